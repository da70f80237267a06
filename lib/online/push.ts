// Push (docs/retrieval.md, "Push"; Feast's push): rows for a push source, validated against its declared schema and
// timestamp fields, then written
//   - online: for every live view whose latest version reads this source, its row-level features
//     through the newer-wins Lua script (write-script.ts), the latest row per entity (created
//     timestamp breaks ties), rows older than the view's ttl skipped;
//   - offline: new files in the `_push` layout (lib/offline/write-push-files.ts) that later
//     materialization jobs read as the source.
// Views with a transform are not written online by push (their features need the transform over
// the whole source) and window aggregates are not either (they need the window's rows): both are
// listed in the response as skipped and are refreshed by the next materialization.
import "server-only";
import type { Principal } from "../auth/principal";
import { LarderError, badRequest, zodIssuesToParams } from "../errors";
import { PushBody } from "./push-schema";
import { sharedRedis } from "../redis/connection";
import { writePushFiles } from "../offline/write-push-files";
import { parseTimestampMs } from "../offline/timestamps";
import { entityKey, packValues } from "./keys";
import { getCatalog, type CatalogViewVersion } from "../registry/catalog-cache";
import { writeOnlineBatch, type OnlineWriteRow } from "./write-script";

export interface PushResult {
  push_source_name: string;
  rows: number;
  online: { views: string[]; rows_written: number; skipped: { view: string; reason: string }[] } | null;
  offline: { files: string[]; rows_written: number } | null;
}

/** Checks one pushed value against its dtype; returns the value to store (timestamps → epoch ms). */
function checkValue(col: string, dtype: string, v: unknown, i: number, nullable: boolean): unknown {
  const bad = (expected: string) =>
    new LarderError("bad_request", `Column "${col}" has dtype ${dtype}: df.${col}[${i}] is ${JSON.stringify(v)}; expected ${expected}.`, {
      invalidParams: [{ name: `df.${col}[${i}]`, reason: `expected ${dtype}` }],
    });
  if (v === null || v === undefined) {
    if (nullable) return null;
    throw bad("a value (this column may not be null)");
  }
  if (dtype.startsWith("list<")) {
    if (!Array.isArray(v)) throw bad("a list");
    const inner = dtype.slice(5, -1);
    return v.map((x) => checkValue(col, inner, x, i, true));
  }
  switch (dtype) {
    case "int32":
    case "int64":
      if (typeof v === "number" && Number.isInteger(v)) return v;
      if (typeof v === "string" && /^-?[0-9]+$/.test(v)) return Number(v);
      throw bad("an integer");
    case "float32":
    case "float64":
      if (typeof v === "number" && Number.isFinite(v)) return v;
      throw bad("a number");
    case "bool":
      if (typeof v === "boolean") return v;
      throw bad("true or false");
    case "timestamp": {
      const ms = parseTimestampMs(v);
      if (ms === null) throw bad('an ISO 8601 time ("2024-05-13T10:59:42Z"; no zone = UTC) or epoch milliseconds');
      return ms;
    }
    default:
      if (typeof v === "string") return v;
      throw bad("a string");
  }
}

export async function pushRows(input: { project: string; principal: Principal; request: unknown; now?: number }): Promise<PushResult> {
  const parsed = PushBody.safeParse(input.request);
  if (!parsed.success) {
    throw new LarderError("bad_request", `The push body is invalid: ${parsed.error.issues.map((i) => `${i.path.join(".") || "body"}: ${i.message}`).join("; ")}`, {
      invalidParams: zodIssuesToParams(parsed.error),
    });
  }
  const body = parsed.data;
  const catalog = await getCatalog(input.project);
  const source = catalog.pushSources.get(body.push_source_name);
  if (!source) {
    throw badRequest(
      `Push source "${body.push_source_name}" does not exist in project "${catalog.project}"; push sources: ${[...catalog.pushSources.keys()].join(", ") || "(none)"}.`,
      [{ name: "push_source_name", reason: "unknown push source" }],
    );
  }
  // The declared columns: the schema plus the timestamp fields.
  const declared = new Map<string, { dtype: string; nullable: boolean }>();
  for (const c of source.schema) declared.set(c.name, { dtype: c.dtype, nullable: true });
  declared.set(source.timestampField, { dtype: "timestamp", nullable: false });
  if (source.createdTimestampField) declared.set(source.createdTimestampField, { dtype: "timestamp", nullable: true });
  const expectedList = [...declared.keys()].join(", ");
  for (const col of Object.keys(body.df)) {
    if (!declared.has(col)) {
      throw badRequest(`Column "${col}" is not in the schema of push source "${source.name}"; its columns are ${expectedList}.`, [
        { name: `df.${col}`, reason: "not a declared column" },
      ]);
    }
  }
  let n = -1;
  for (const col of declared.keys()) {
    const values = body.df[col];
    if (!values) {
      if (col === source.timestampField || col === source.createdTimestampField) {
        if (col === source.createdTimestampField) continue;
        throw badRequest(`The timestamp column "${col}" of push source "${source.name}" is missing from df.`, [{ name: `df.${col}`, reason: "required" }]);
      }
      throw badRequest(`Column "${col}" of push source "${source.name}" is missing from df; send all of ${expectedList}.`, [
        { name: `df.${col}`, reason: "required" },
      ]);
    }
    if (n === -1) n = values.length;
    else if (values.length !== n) {
      throw badRequest(`Every df column must have the same length; df.${col} has ${values.length} values, others ${n}.`, [
        { name: `df.${col}`, reason: `length ${values.length} ≠ ${n}` },
      ]);
    }
  }
  if (n <= 0) throw badRequest("df has no rows; send at least one row.", [{ name: "df", reason: "no rows" }]);
  const columns: Record<string, unknown[]> = {};
  for (const [col, spec] of declared) {
    const values = body.df[col];
    if (!values) continue;
    const out = new Array(n);
    for (let i = 0; i < n; i++) out[i] = checkValue(col, spec.dtype, values[i], i, spec.nullable);
    columns[col] = out;
  }

  const result: PushResult = { push_source_name: source.name, rows: n, online: null, offline: null };
  if (body.to === "offline" || body.to === "online_and_offline") {
    const written = await writePushFiles({
      project: catalog.project,
      source: source.name,
      columns: [...declared.entries()].filter(([c]) => columns[c]).map(([name, s]) => ({ name, dtype: s.dtype })),
      values: columns,
      rows: n,
      timestampField: source.timestampField,
    });
    result.offline = { files: written.files, rows_written: n };
  }
  if (body.to === "online" || body.to === "online_and_offline") {
    result.online = await pushOnline(catalog.project, catalog.views, source, columns, n, input.now ?? Date.now());
  }
  return result;
}

async function pushOnline(
  project: string,
  views: Map<string, { name: string; latestVersion: number; versions: Map<number, CatalogViewVersion> }>,
  source: { name: string; timestampField: string; createdTimestampField: string | null },
  columns: Record<string, unknown[]>,
  n: number,
  now: number,
): Promise<NonNullable<PushResult["online"]>> {
  const out: NonNullable<PushResult["online"]> = { views: [], rows_written: 0, skipped: [] };
  const ts = columns[source.timestampField] as number[];
  const created = source.createdTimestampField ? (columns[source.createdTimestampField] as (number | null)[] | undefined) : undefined;
  const redis = sharedRedis("online");
  for (const view of views.values()) {
    const vv = view.versions.get(view.latestVersion);
    if (!vv || vv.sourceName !== source.name) continue;
    if (vv.materialization.online === false) continue;
    const viewDef = (vv.definition.view ?? {}) as { transform?: string | null };
    if (viewDef.transform) {
      out.skipped.push({ view: view.name, reason: "the view has a transform; its online values are refreshed by materialization" });
      continue;
    }
    const rowFeatures = vv.features.filter((f) => f.kind === "field");
    const missing = [...rowFeatures.map((f) => f.name), ...vv.joinKeys.map((k) => k.name)].filter((c) => !columns[c]);
    if (missing.length) {
      out.skipped.push({ view: view.name, reason: `the pushed rows lack column(s) ${missing.join(", ")}` });
      continue;
    }
    if (rowFeatures.length === 0) {
      out.skipped.push({ view: view.name, reason: "the view has only window aggregates; they are refreshed by materialization" });
      continue;
    }
    const ttlMs = vv.ttlSeconds === null ? null : vv.ttlSeconds * 1000;
    // Latest row per entity (greatest event time, then greatest created time): the Lua script
    // compares event times only, so ties inside one push are settled here.
    const best = new Map<string, number>();
    for (let i = 0; i < n; i++) {
      if (ttlMs !== null && ts[i] < now - ttlMs) continue;
      const keyValues: Record<string, unknown> = {};
      for (const k of vv.joinKeys) keyValues[k.name] = columns[k.name][i];
      if (vv.joinKeys.some((k) => keyValues[k.name] === null)) continue;
      const key = entityKey(project, keyValues);
      const prev = best.get(key);
      if (
        prev === undefined ||
        ts[i] > ts[prev] ||
        (ts[i] === ts[prev] && (created?.[i] ?? -Infinity) >= (created?.[prev] ?? -Infinity))
      ) {
        best.set(key, i);
      }
    }
    const rows: OnlineWriteRow[] = [];
    for (const [key, i] of best) {
      rows.push({
        key,
        tsMs: ts[i],
        row: packValues(rowFeatures.map((f) => JSON.stringify(columns[f.name][i] ?? null))),
        agg: null,
      });
    }
    const written = await writeOnlineBatch(redis, {
      project,
      view: view.name,
      version: vv.version,
      asofMs: null,
      rows,
    });
    out.views.push(`${view.name}@v${vv.version}`);
    out.rows_written += written;
    if (vv.features.some((f) => f.kind === "aggregation")) {
      out.skipped.push({ view: view.name, reason: "window aggregates are not pushed online; they are refreshed by materialization" });
    }
  }
  return out;
}
