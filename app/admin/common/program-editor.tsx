import { useBlocker, useFetcher } from "@remix-run/react";
import { SaveBar } from "@shopify/app-bridge-react";
import { Banner, Modal, Page, Text, type PageProps } from "@shopify/polaris";
import { useCallback, useEffect, useRef, useState, type ReactNode } from "react";
import { useTranslation } from "~/i18n";
import type { Program } from "~/loyalty/program/program";
import { withIdsFromNames } from "./ids";
import type { ProgramSaveResult } from "./program-save.server";
import { useAppBridgeLoaded, useSaveConfirmation } from "./save-confirmation";

/**
 * A working copy of the program document: pages edit the draft, Save sends the whole document
 * with the revision it was loaded at, and the server's issues come back by field path.
 */
export function useProgramEditor(loaded: { program: Program; revision: number }) {
  const { t } = useTranslation();
  const fetcher = useFetcher<ProgramSaveResult>();
  const confirmation = useSaveConfirmation();
  const { confirm } = confirmation;
  const [saved, setSaved] = useState(loaded);
  const [draft, setDraft] = useState(loaded.program);
  // Each save's answer is applied once, however often the effect's dependencies change.
  const applied = useRef<ProgramSaveResult | null>(null);
  useEffect(() => {
    const result = fetcher.data;
    if (fetcher.state !== "idle" || !result?.ok || applied.current === result) return;
    applied.current = result;
    setSaved({ program: result.program, revision: result.revision });
    setDraft(result.program);
    confirm(t("common.saved"));
  }, [fetcher.state, fetcher.data, confirm, t]);

  const dirty = JSON.stringify(draft) !== JSON.stringify(saved.program);
  const update = useCallback((change: (program: Program) => void) => {
    setDraft((current) => {
      const next = structuredClone(current);
      change(next);
      return next;
    });
  }, []);
  const submit = (extra: Record<string, string | number | boolean>) =>
    fetcher.submit(
      {
        ...extra,
        program: withIdsFromNames(draft, saved.program) as unknown as Record<string, string>,
        revision: saved.revision,
      },
      { method: "post", encType: "application/json" },
    );
  const result = fetcher.state === "idle" ? fetcher.data : undefined;
  const issues = result && !result.ok && !result.conflict ? result.issues : [];
  return {
    draft,
    update,
    dirty,
    /** The program as last loaded or saved: what runs, whatever the draft says. */
    savedProgram: saved.program,
    /** The revision last loaded or saved: it moves on each successful save. */
    savedRevision: saved.revision,
    saving: fetcher.state !== "idle",
    conflict: Boolean(result && !result.ok && result.conflict),
    issues,
    /** The server's message for this field of the document (dotted path), if any. */
    errorFor: (path: string) => issues.find((issue) => issue.path === path)?.message,
    /** Issues at or under this path that no field shows (e.g. a list-wide rule). */
    issuesUnder: (prefix: string) =>
      issues.filter((issue) => issue.path === prefix || issue.path.startsWith(`${prefix}.`)),
    // The document is JSON by construction; Remix's JsonValue type cannot see through zod's types.
    save: () => submit({}),
    /** Save with more for the page's action to read (e.g. `intent`): the same answer, applied the same way. */
    saveWith: (extra: Record<string, string | number | boolean>) => submit(extra),
    discard: () => setDraft(saved.program),
    /** The "Saved" toast (Polaris' in the sandbox), for ProgramPage to render. */
    savedToast: confirmation.toast,
  };
}

export type ProgramEditor = ReturnType<typeof useProgramEditor>;

/**
 * A program page: Save and Discard in the page header and App Bridge's contextual save bar
 * while there are changes, a warning before leaving with unsaved changes, the save's errors.
 */
export function ProgramPage({
  title,
  editor,
  children,
  backAction,
}: {
  title: string;
  editor: ProgramEditor;
  children: ReactNode;
  backAction?: PageProps["backAction"];
}) {
  const { t } = useTranslation();
  const appBridge = useAppBridgeLoaded();
  const blocker = useBlocker(
    ({ currentLocation, nextLocation }) => editor.dirty && currentLocation.pathname !== nextLocation.pathname,
  );
  return (
    <Page
      title={title}
      backAction={backAction}
      primaryAction={{
        content: t("common.save"),
        onAction: editor.save,
        disabled: !editor.dirty,
        loading: editor.saving,
      }}
      secondaryActions={[
        { content: t("common.discard"), onAction: editor.discard, disabled: !editor.dirty || editor.saving },
      ]}
    >
      {appBridge ? (
        <SaveBar id="program-save-bar" open={editor.dirty}>
          <button variant="primary" onClick={editor.save} disabled={editor.saving}></button>
          <button onClick={editor.discard}></button>
        </SaveBar>
      ) : null}
      {editor.conflict ? (
        <div style={{ marginBottom: "var(--p-space-400)" }}>
          <Banner tone="critical" title={t("common.conflictTitle")}>
            <p>{t("common.conflictBody")}</p>
          </Banner>
        </div>
      ) : null}
      {editor.issues.length ? (
        <div style={{ marginBottom: "var(--p-space-400)" }}>
          <Banner tone="critical" title={t("common.issuesTitle", { count: editor.issues.length })}>
            <ul>
              {editor.issues.map((issue) => (
                <li key={`${issue.path}:${issue.message}`}>
                  <Text as="span">{issue.message}</Text>
                </li>
              ))}
            </ul>
          </Banner>
        </div>
      ) : null}
      {children}
      {editor.savedToast}
      <Modal
        open={blocker.state === "blocked"}
        onClose={() => blocker.reset?.()}
        title={t("common.leaveTitle")}
        primaryAction={{ content: t("common.leave"), destructive: true, onAction: () => blocker.proceed?.() }}
        secondaryActions={[{ content: t("common.stay"), onAction: () => blocker.reset?.() }]}
      >
        <Modal.Section>
          <Text as="p">{t("common.leaveBody")}</Text>
        </Modal.Section>
      </Modal>
    </Page>
  );
}
