// Data preview of one feature view version (docs/retrieval.md, "Preview"): sample rows from its
// offline partitions (the latest ones by default; filtered by entity key and time range), and, for
// one entity, its online value beside the historical value at the same instant (the end of the last
// online materialization). Values are values: features.read, and restricted views only with a grant,
// like every other path. The scan runs in a sandbox that may read only this version's folder, and is
// bounded in rows, bytes and time. The rows are exact JSON text built by DuckDB, spelled as every
// other path spells values (jsonTextSql, lib/offline/historical-compute.ts; docs/retrieval.md).
import "server-only";
import type { DuckDBConnection } from "@duckdb/node-api";
import { canReadRestrictedView, type ProjectRef } from "../auth/authorize";
import type { Principal } from "../auth/principal";
import { db } from "../db/client";
import { qid, qlit } from "../duckdb/instance";
import { SandboxTimeout, withDeadline, withSandbox } from "../duckdb/sandbox";
import { LarderError, badRequest, forbidden, notFound } from "../errors";
import { duckType } from "../shared/dtypes";
import { getOnlineFeaturesJson } from "../online/get-online-features";
import { getFreshCatalog, type CatalogViewVersion } from "../registry/catalog-cache";
import { listPartitionDates, partitionFile, utcDate, versionDir } from "../shared/offline-layout";
import { getHistoricalFeatures } from "../offline/get-historical-features";
import { jsonObjectSql } from "../offline/historical-compute";

export const PREVIEW_LIMITS = { maxRows: 500, defaultRows: 20, maxBytes: 1024 * 1024, seconds: 10, recentPartitions: 7 } as const;

export interface ViewPreviewInput {
  principal: Principal;
  project: ProjectRef;
  view: string;
  version: number;
  limit?: number;
  /** Join key → value (as text; typed by the key's dtype). */
  entity?: Record<string, string>;
  start?: Date;
  end?: Date;
}

/** Loads the version and applies the value rule (features.read is the endpoint's permission). */
async function versionFor(input: ViewPreviewInput): Promise<CatalogViewVersion> {
  const catalog = await getFreshCatalog(input.project.name);
  const view = catalog.views.get(input.view);
  if (!view) throw notFound(`Feature view "${input.view}" does not exist in project "${input.project.name}".`);
  const vv = view.versions.get(input.version);
  if (!vv) throw notFound(`Feature view "${input.view}" has no version ${input.version}; versions: ${[...view.versions.keys()].sort((a, b) => a - b).map((n) => `v${n}`).join(", ")}.`);
  if (view.restricted && !canReadRestrictedView(input.principal, input.project, view.name)) {
    throw forbidden(`Feature view "${view.name}" is restricted; ask a project admin to grant you access to its values.`);
  }
  return vv;
}

const INT = /^-?\d+$/;

/** The entity filter as typed SQL literals; a 400 for unknown keys or values of the wrong form. */
function entityFilter(vv: CatalogViewVersion, entity: Record<string, string>): string[] {
  const keys = new Map(vv.joinKeys.map((k) => [k.name, k.dtype]));
  return Object.entries(entity).map(([k, v]) => {
    const dtype = keys.get(k);
    if (!dtype) {
      throw badRequest(`"${k}" is not a join key of ${vv.view}; its keys: ${[...keys.keys()].join(", ")}.`, [{ name: `entity.${k}`, reason: "unknown join key" }]);
    }
    if ((dtype === "int32" || dtype === "int64") && !INT.test(v)) {
      throw badRequest(`Join key "${k}" is ${dtype}; "${v}" is not a whole number.`, [{ name: `entity.${k}`, reason: `must be a ${dtype}` }]);
    }
    return `${qid(k)} = TRY_CAST(${qlit(v)} AS ${duckType(dtype)})`;
  });
}

export interface PreviewRows {
  columns: { name: string; type: string }[];
  /** JSON text of each row (exact values). */
  rows: string[];
  truncated: boolean;
}

/** Runs a preview SELECT in a sandbox reading only `readDirectories`/`readPaths`, within the bounds. */
export async function sampleRows(
  access: { readDirectories?: string[]; readPaths?: string[] },
  relation: string,
  opts: { where?: string[]; orderBy?: string; limit: number; setup?: (conn: DuckDBConnection) => Promise<void> },
): Promise<PreviewRows> {
  return withSandbox({ ...access, threads: 1, memoryLimit: "256MB" }, async (conn) => {
    try {
      return await withDeadline(conn, PREVIEW_LIMITS.seconds * 1000, async () => {
        if (opts.setup) await opts.setup(conn);
        const described = (await conn.runAndReadAll(`DESCRIBE SELECT * FROM ${relation}`)).getRowObjects();
        const columns = described.map((o) => ({ name: String(o.column_name), type: String(o.column_type) }));
        const where = opts.where?.length ? ` WHERE ${opts.where.join(" AND ")}` : "";
        const order = opts.orderBy ? ` ORDER BY ${opts.orderBy}` : "";
        const r = await conn.runAndReadAll(`SELECT ${jsonObjectSql(columns)} AS j FROM ${relation}${where}${order} LIMIT ${opts.limit + 1}`);
        const rows: string[] = [];
        let bytes = 0;
        let truncated = false;
        for (const o of r.getRowObjects()) {
          const j = String(o.j);
          if (rows.length === opts.limit || bytes + j.length > PREVIEW_LIMITS.maxBytes) {
            truncated = true;
            break;
          }
          rows.push(j);
          bytes += j.length + 1;
        }
        return { columns, rows, truncated };
      });
    } catch (e) {
      if (e instanceof SandboxTimeout) {
        throw new LarderError("bad_request", `The preview did not finish within ${PREVIEW_LIMITS.seconds} s; narrow it with an entity key or a shorter time range.`);
      }
      throw e;
    }
  });
}

export interface ViewPreview {
  body: string;
}

export async function previewViewVersion(input: ViewPreviewInput): Promise<ViewPreview> {
  const vv = await versionFor(input);
  const limit = input.limit ?? PREVIEW_LIMITS.defaultRows;
  if (input.start && input.end && input.start >= input.end) throw badRequest("start must be before end.", [{ name: "start", reason: "must be before end" }]);
  const where = input.entity && Object.keys(input.entity).length ? entityFilter(vv, input.entity) : [];
  const dir = versionDir(input.project.name, vv.view, vv.version);
  let dates = (await listPartitionDates(dir, input.start ? utcDate(input.start.getTime()) : null, input.end ? utcDate(input.end.getTime()) : null)).reverse();
  // Without an entity, the newest partitions hold the newest rows; with one, look through all.
  if (!where.length) dates = dates.slice(0, PREVIEW_LIMITS.recentPartitions);
  const files = dates.map((d) => partitionFile(dir, d));
  if (input.start) where.push(`event_timestamp >= ${qlit(input.start.toISOString())}::TIMESTAMP`);
  if (input.end) where.push(`event_timestamp < ${qlit(input.end.toISOString())}::TIMESTAMP`);
  const sample: PreviewRows = files.length
    ? await sampleRows({ readDirectories: [dir] }, `read_parquet([${files.map(qlit).join(", ")}], union_by_name=true, hive_partitioning=false)`, { where, orderBy: "event_timestamp DESC", limit })
    : { columns: [], rows: [], truncated: false };
  const comparison = input.entity && Object.keys(input.entity).length === vv.joinKeys.length ? await compareOnlineOffline(input, vv) : null;
  const head = {
    view: vv.view,
    version: vv.version,
    partitions: dates,
    columns: sample.columns,
    truncated: sample.truncated,
    limits: { rows: limit, bytes: PREVIEW_LIMITS.maxBytes, seconds: PREVIEW_LIMITS.seconds },
    note: files.length ? undefined : "no offline partitions match: materialize the view (offline) or widen the time range",
  };
  const headJson = JSON.stringify(head);
  return { body: `${headJson.slice(0, -1)},"rows":[${sample.rows.join(",")}],"comparison":${comparison ?? "null"}}` };
}

/**
 * One entity's online value beside its historical value at the instant the online store was last
 * materialized to, both through the ordinary read use cases (same rules, same serialization).
 */
async function compareOnlineOffline(input: ViewPreviewInput, vv: CatalogViewVersion): Promise<string | null> {
  if (!vv.materialization.online) return null;
  const last = await db().materializedInterval.findFirst({ where: { versionId: vv.id, online: true }, orderBy: { end: "desc" }, select: { end: true } });
  const ref = `${vv.view}@v${vv.version}`;
  const keyValue = (k: { name: string; dtype: string }) => {
    const v = input.entity![k.name];
    // Whole numbers travel as JSON numbers while exact; beyond 2^53 as digit strings.
    return (k.dtype === "int32" || k.dtype === "int64") && Number.isSafeInteger(Number(v)) ? Number(v) : v;
  };
  // The online answer as the servers write it (exact int64 digits, float form).
  const online = await getOnlineFeaturesJson({
    project: input.project.name,
    principal: input.principal,
    request: { features: [ref], entities: Object.fromEntries(vv.joinKeys.map((k) => [k.name, [keyValue(k)]])) },
  });
  let offline: string | null = null;
  let offlineError: string | null = null;
  if (last) {
    try {
      const h = await getHistoricalFeatures({
        project: input.project.name,
        principal: input.principal,
        features: [ref],
        entities: { kind: "rows", rows: [{ ...Object.fromEntries(vv.joinKeys.map((k) => [k.name, keyValue(k)])), event_timestamp: last.end.toISOString() }] },
        format: "json",
        inline: true,
        triggeredBy: "preview",
      });
      offline = h.kind === "json" ? h.body : null;
    } catch (e) {
      if (!(e instanceof LarderError) || e.status >= 500) throw e;
      offlineError = e.message;
    }
  }
  // The historical body is spliced in as text, so its values stay exactly as computed.
  return `{"at":${JSON.stringify(last?.end.toISOString() ?? null)},"online":${online.toString("utf8")},"offline":${offline ?? "null"},"offline_error":${JSON.stringify(offlineError)}}`;
}
