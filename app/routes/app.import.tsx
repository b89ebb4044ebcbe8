import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { adminContext } from "~/admin/common/admin-context.server";
import { ImportExport, type ImportActionResult } from "~/admin/import/import-export";
import prisma from "~/db.server";
import { requireMethod } from "~/http/methods.server";
import { IMPORT_FORMAT_LABELS, MAX_IMPORT_BYTES } from "~/loyalty/members/import";
import { confirmImport, listImports, previewImport } from "~/loyalty/members/import.server";

export async function loader({ request }: LoaderFunctionArgs) {
  const { shop } = await adminContext(request);
  // The limits and labels come from the loader: the parser itself stays on the server.
  return {
    imports: await listImports(prisma, shop.id, 10),
    formatLabels: IMPORT_FORMAT_LABELS,
    maxBytes: MAX_IMPORT_BYTES,
  };
}

const importIntent = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("preview"), csv: z.string().min(1), fileName: z.string().max(255).nullable() }),
  z.object({ intent: z.literal("confirm"), importId: z.string().min(1) }),
]);

/** Upload → a dry-run preview (nothing written but the preview); confirm → the import job takes it. */
export async function action({ request }: ActionFunctionArgs) {
  requireMethod(request, "GET", "POST");
  const { shop, staffId } = await adminContext(request);
  if (Number(request.headers.get("content-length") ?? 0) > MAX_IMPORT_BYTES * 1.1) {
    return Response.json(
      { ok: false, error: "The file is larger than 20 MB. Split it into smaller files." } satisfies ImportActionResult,
      { status: 413 },
    );
  }
  const parsed = importIntent.safeParse(await request.json().catch(() => null));
  if (!parsed.success)
    return Response.json({ ok: false, error: "invalid request" } satisfies ImportActionResult, { status: 400 });
  if (parsed.data.intent === "preview") {
    const result = await previewImport(prisma, shop, { csv: parsed.data.csv, fileName: parsed.data.fileName, staffId });
    if (!result.ok)
      return Response.json({ ok: false, error: result.error } satisfies ImportActionResult, { status: 400 });
    return Response.json({ ok: true, preview: result.preview } satisfies ImportActionResult);
  }
  const confirmed = await confirmImport(prisma, shop.id, parsed.data.importId);
  if (!confirmed) return Response.json({ ok: false, error: "not found" } satisfies ImportActionResult, { status: 404 });
  return Response.json({ ok: true } satisfies ImportActionResult);
}

export default function ImportRoute() {
  return <ImportExport {...useLoaderData<typeof loader>()} />;
}
