// Data preview of a source (docs/retrieval.md, "Preview"): its schema and first rows, read exactly as
// materialization reads it (read-source.ts: the path confined to the project's data roots again,
// pushed-row files, Postgres through node-postgres with a LIMIT), in a sandbox, bounded in rows,
// bytes and time. Raw source rows hold the values of every view built on the source, so a source
// that can read a restricted view's rows (its own source, or another over the same files) is previewed
// only by principals granted all such views (lib/registry/restricted-sources.ts).
import "server-only";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { ProjectRef } from "../auth/authorize";
import type { Principal } from "../auth/principal";
import { db } from "../db/client";
import { LarderError, forbidden, notFound } from "../errors";
import { PREVIEW_LIMITS, sampleRows } from "./preview-view-version";
import type { SourceDef } from "../registry/repo-schema";
import { loadRegistryState } from "../registry/registry-state";
import { restrictedSources, unreadableRestrictedViews } from "../registry/restricted-sources";
import { MaterializationError } from "../materialize/errors";
import { bindSource, prepareSource, type SourceRange } from "../materialize/read-source";

export interface SourcePreviewInput {
  principal: Principal;
  project: ProjectRef;
  source: string;
  limit?: number;
}

/** Every row: no time filter (the bounds are the LIMIT and the deadline). */
const ALL_TIME: SourceRange = { loUs: null, hiUs: 253402300799999999 };

export async function previewSource(input: SourcePreviewInput): Promise<{ body: string }> {
  const row = await db().source.findUnique({
    where: { projectId_name: { projectId: input.project.id, name: input.source } },
    select: { name: true, kind: true, definition: true, archivedAt: true },
  });
  if (!row || row.archivedAt) throw notFound(`Source "${input.source}" does not exist in project "${input.project.name}".`);
  const definition = row.definition as unknown as SourceDef;
  // Restricted when it can read the rows of a restricted view: its own, or over the same files.
  const refused = unreadableRestrictedViews(input.principal, input.project, definition, restrictedSources(await loadRegistryState(db(), input.project.name)));
  if (refused.length) {
    throw forbidden(`Source "${row.name}" feeds restricted feature view${refused.length === 1 ? "" : "s"} ${refused.join(", ")}; ask a project admin to grant ${refused.length === 1 ? "it" : "them"} to you.`);
  }
  const limit = input.limit ?? PREVIEW_LIMITS.defaultRows;
  const ctx = { projectName: input.project.name, viewName: `source ${row.name}`, source: definition };
  const scratch = await fs.mkdtemp(path.join(os.tmpdir(), "larder-preview-"));
  try {
    const prepared = await prepareSource(ctx, ALL_TIME, scratch, { limitRows: limit + 1 });
    const sample = await sampleRows({ readDirectories: [...prepared.readDirectories, scratch], readPaths: prepared.readPaths }, "source", {
      limit,
      setup: (conn) => bindSource(conn, ctx, ALL_TIME, prepared),
    });
    const head = JSON.stringify({
      source: row.name,
      kind: row.kind,
      columns: sample.columns,
      truncated: sample.truncated,
      limits: { rows: limit, bytes: PREVIEW_LIMITS.maxBytes, seconds: PREVIEW_LIMITS.seconds },
    });
    return { body: `${head.slice(0, -1)},"rows":[${sample.rows.join(",")}]}` };
  } catch (e) {
    // The source cannot be read as configured: say so as a 4xx the editor can act on.
    if (e instanceof MaterializationError) throw new LarderError(e.code, `Cannot preview source ${row.name}: ${e.message.replace(/^Feature view source [^,]+, step [a-z_]+: /, "")}`, { cause: e });
    throw e;
  } finally {
    await fs.rm(scratch, { recursive: true, force: true });
  }
}
