import { appProxyQuery } from "./signing";

const USER_AGENT = "Mozilla/5.0 (X11; Linux x86_64) Tally demo";

/**
 * Waits until Tally has applied every webhook it accepted about a customer, as a storefront would
 * see it: the member read's `points.processing` turns false (docs/storefront-api.md). Tally answers
 * a webhook when it is stored and applies it moments later.
 */
export async function pointsApplied(
  app: { appUrl: string; shop: string; apiSecret: string },
  customerId: string | number,
  timeoutMs = 20_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const query = appProxyQuery({ shop: app.shop, customerId }, app.apiSecret);
    const response = await fetch(`${app.appUrl}/proxy/member?${query}`, { headers: { "User-Agent": USER_AGENT } });
    const member = (await response.json().catch(() => null)) as { points?: { processing?: boolean } } | null;
    if (response.ok && !member?.points?.processing) return;
    if (Date.now() > deadline) throw new Error(`customer ${customerId}'s webhooks were not applied in ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
