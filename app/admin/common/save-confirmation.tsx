import { Toast } from "@shopify/polaris";
import { useCallback, useEffect, useState, type ReactNode } from "react";

/** True once App Bridge runs (inside the Shopify admin); the sandbox has no App Bridge. */
export function useAppBridgeLoaded(): boolean {
  const [loaded, setLoaded] = useState(false);
  useEffect(() => setLoaded(typeof window !== "undefined" && "shopify" in window), []);
  return loaded;
}

/**
 * Every admin page's "it's saved": App Bridge's toast inside the Shopify admin, and outside it (the
 * demo's sandbox) a Polaris Toast in the sandbox's Frame (app.tsx). The sandbox does not fake the
 * `shopify` global: the pages would then take it for App Bridge and draw its save bar and menu,
 * which only the real one can show. `useAppBridge()` throws without the global, hence the check.
 * Render `toast` once on the page.
 */
export function useSaveConfirmation(): { confirm: (message: string) => void; toast: ReactNode } {
  const appBridge = useAppBridgeLoaded();
  const [message, setMessage] = useState<string | null>(null);
  const confirm = useCallback(
    (text: string) => (appBridge ? void shopify.toast.show(text) : setMessage(text)),
    [appBridge],
  );
  const toast = message ? <Toast content={message} onDismiss={() => setMessage(null)} /> : null;
  return { confirm, toast };
}
