// Push (docs/retrieval.md, "Push"; Feast's push): rows for a push source, validated against its declared schema and
// timestamp fields (values by dtype: values.ts), then written
//   - online: for every live view whose latest version reads this source, its row-level features
//     through the newer-wins Lua script (write-rows.ts), the latest row per entity (created
//     timestamp breaks ties), rows older than the view's ttl skipped;
//   - offline: new files in the `_push` layout (lib/offline/write-push-files.ts) that later
//     materialization jobs read as the source.
// Columns follow Feast's DataFrame rules: an online push needs the columns its views read (the
// timestamp field, their join keys and features) and ignores any others; an offline push writes the
// source's columns and must bring exactly those.
// Views with a transform are not written online by push (their features need the transform over
// the whole source) and window aggregates are not either (they need the window's rows): both are
// listed in the response as skipped and are refreshed by the next materialization.
// The catalog is checked against the registry generation first (getFreshCatalog), so a push right
// after an apply sees the new push source and schema.
import "server-only";
import type { Principal } from "../auth/principal";
import { LarderError, badRequest, zodIssuesToParams } from "../errors";
import { writePushFiles } from "../offline/write-push-files";
import { parseTimeUs, timeHint } from "../offline/timestamps";
import { getFreshCatalog, type CatalogViewVersion, type ProjectCatalog } from "../registry/catalog-cache";
import { writeJson } from "../shared/exact-json";
import { PushBody } from "./push-schema";
import { checkValue, keyText } from "./values";
import { dfColumns, writeViewRowsOnline, type CheckedRows } from "./write-rows";

export interface PushResult {
  push_source_name: string;
  rows: number;
  online: { views: string[]; rows_written: number; skipped: { view: string; reason: string }[] } | null;
  offline: { files: string[]; rows_written: number } | null;
  /** df columns no view or file uses (an online push ignores them, as Feast does). */
  ignored_columns: string[];
}

type PushSource = ProjectCatalog["pushSources"] extends Map<string, infer S> ? S : never;

function badCell(col: string, dtype: string, i: number, v: unknown, why: string): LarderError {
  return new LarderError("bad_request", `Column "${col}" has dtype ${dtype}: df.${col}[${i}] is ${writeJson(v)}; expected ${why}.`, {
    invalidParams: [{ name: `df.${col}[${i}]`, reason: `expected ${dtype}` }],
    subject: "entity_columns",
  });
}

/** The live views a push to `source` writes online: latest versions reading it, online on. */
export function pushTargets(catalog: ProjectCatalog, sourceName: string): CatalogViewVersion[] {
  const out: CatalogViewVersion[] = [];
  for (const view of catalog.views.values()) {
    const vv = view.versions.get(view.latestVersion);
    if (vv && vv.sourceName === sourceName && vv.materialization.online !== false) out.push(vv);
  }
  return out;
}

function hasTransform(vv: CatalogViewVersion): boolean {
  return Boolean(((vv.definition.view ?? {}) as { transform?: string | null }).transform);
}

/** Checks one time column (event or created timestamp: numbers are epoch milliseconds); null allowed only where `nullable`. */
function checkTimes(col: string, values: unknown[], nullable: boolean): (bigint | null)[] {
  return values.map((v, i) => {
    if (v === null || v === undefined) {
      if (nullable) return null;
      throw badCell(col, "timestamp", i, v, "a time (this column may not be null)");
    }
    const t = parseTimeUs(v, "ms");
    if ("error" in t) throw badCell(col, "timestamp", i, v, `${timeHint("ms")} (${t.error})`);
    return t.us;
  });
}

export async function pushRows(input: { project: string; principal: Principal; request: unknown; now?: number }): Promise<PushResult> {
  const parsed = PushBody.safeParse(input.request);
  if (!parsed.success) {
    throw new LarderError("bad_request", `The push body is invalid: ${parsed.error.issues.map((i) => `${i.path.join(".") || "body"}: ${i.message}`).join("; ")}`, {
      invalidParams: zodIssuesToParams(parsed.error),
    });
  }
  const body = parsed.data;
  const catalog = await getFreshCatalog(input.project);
  const source = catalog.pushSources.get(body.push_source_name);
  if (!source) {
    throw badRequest(
      `Push source "${body.push_source_name}" does not exist in project "${catalog.project}"; push sources: ${[...catalog.pushSources.keys()].join(", ") || "(none)"}.`,
      [{ name: "push_source_name", reason: "unknown push source" }],
      "push_source",
    );
  }
  const toOnline = body.to === "online" || body.to === "online_and_offline";
  const toOffline = body.to === "offline" || body.to === "online_and_offline";
  const { n, columns: df } = dfColumns(body.df);
  const names = Object.keys(df);

  // The declared columns: the schema plus the timestamp fields.
  const declared = new Map<string, string>(source.schema.map((c) => [c.name, c.dtype]));
  declared.set(source.timestampField, "timestamp");
  if (source.createdTimestampField) declared.set(source.createdTimestampField, "timestamp");
  const targets = toOnline ? pushTargets(catalog, source.name) : [];
  requireColumns(source, declared, names, targets, toOffline);

  // Check every declared column that was sent; other columns are ignored.
  const ts = checkTimes(source.timestampField, df[source.timestampField], false) as bigint[];
  const created = source.createdTimestampField && df[source.createdTimestampField] ? checkTimes(source.createdTimestampField, df[source.createdTimestampField], true) : undefined;
  const stored: Record<string, unknown[]> = { [source.timestampField]: ts };
  if (created && source.createdTimestampField) stored[source.createdTimestampField] = created;
  const json: Record<string, string[]> = {};
  const keyTexts: Record<string, (string | null)[]> = {};
  const keyNames = new Set(targets.flatMap((vv) => vv.joinKeys.map((k) => k.name)));
  for (const c of source.schema) {
    const values = df[c.name];
    if (!values || stored[c.name]) continue;
    const vals: unknown[] = new Array(n);
    const texts: string[] = new Array(n);
    for (let i = 0; i < n; i++) {
      const v = values[i];
      if (v === null || v === undefined) {
        vals[i] = null;
        texts[i] = "null";
        continue;
      }
      const checked = checkValue(c.dtype, v);
      if ("error" in checked) throw badCell(c.name, c.dtype, i, v, checked.error);
      vals[i] = checked.value;
      texts[i] = checked.json;
    }
    stored[c.name] = vals;
    json[c.name] = texts;
    if (keyNames.has(c.name)) keyTexts[c.name] = values.map((v) => (v === null || v === undefined ? null : keyText(c.dtype, v)));
  }

  const ignored = names.filter((c) => !declared.has(c));
  const result: PushResult = { push_source_name: source.name, rows: n, online: null, offline: null, ignored_columns: ignored };
  if (toOffline) {
    const written = await writePushFiles({
      project: catalog.project,
      source: source.name,
      columns: [...declared.entries()].filter(([c]) => stored[c]).map(([name, dtype]) => ({ name, dtype })),
      values: stored,
      rows: n,
      timestampField: source.timestampField,
    });
    result.offline = { files: written.files, rows_written: n };
  }
  if (toOnline) {
    const nowUs = BigInt(input.now ?? Date.now()) * 1000n;
    const online: NonNullable<PushResult["online"]> = { views: [], rows_written: 0, skipped: [] };
    for (const vv of targets) {
      if (hasTransform(vv)) {
        online.skipped.push({ view: vv.view, reason: "the view has a transform; its online values are refreshed by materialization" });
        continue;
      }
      if (!vv.features.some((f) => f.kind === "field")) {
        online.skipped.push({ view: vv.view, reason: "the view has only window aggregates; they are refreshed by materialization" });
        continue;
      }
      const rows: CheckedRows = { n, ts, created: created ?? undefined, keyTexts, json };
      online.rows_written += await writeViewRowsOnline(catalog.project, vv, rows, nowUs);
      online.views.push(`${vv.view}@v${vv.version}`);
      if (vv.features.some((f) => f.kind === "aggregation")) {
        online.skipped.push({ view: vv.view, reason: "window aggregates are not pushed online; they are refreshed by materialization" });
      }
    }
    result.online = online;
  }
  return result;
}

/**
 * Feast's column rules, with errors that name what to send: offline, df must hold exactly the
 * source's columns (its created timestamp may be left out); online, the columns the target views
 * need (timestamp field, join keys, row-level features) must be there and extra ones are ignored.
 */
function requireColumns(source: PushSource, declared: Map<string, string>, dfColumns: string[], targets: CatalogViewVersion[], toOffline: boolean): void {
  const have = new Set(dfColumns);
  const list = (cols: string[]) => cols.join(", ");
  if (!have.has(source.timestampField)) {
    throw new LarderError("bad_request", `The timestamp column "${source.timestampField}" of push source "${source.name}" is missing from df.`, {
      invalidParams: [{ name: `df.${source.timestampField}`, reason: "required" }],
      subject: "entity_columns",
    });
  }
  if (toOffline) {
    const missing = [...declared.keys()].filter((c) => !have.has(c) && c !== source.createdTimestampField);
    const extra = dfColumns.filter((c) => !declared.has(c));
    if (missing.length || extra.length) {
      throw new LarderError(
        "bad_request",
        `An offline push writes the columns of push source "${source.name}" (${list([...declared.keys()])}); df must hold exactly those. Missing: ${list(missing) || "none"}; not in the source: ${list(extra) || "none"}.`,
        { invalidParams: [...missing.map((c) => ({ name: `df.${c}`, reason: "required" })), ...extra.map((c) => ({ name: `df.${c}`, reason: "not a column of the push source" }))], subject: "entity_columns" },
      );
    }
    return;
  }
  for (const vv of targets) {
    if (hasTransform(vv)) continue;
    const needed = [...vv.joinKeys.map((k) => k.name), ...vv.features.filter((f) => f.kind === "field").map((f) => f.name)];
    const missing = needed.filter((c) => !have.has(c));
    if (missing.length) {
      throw new LarderError("bad_request", `Feature view "${vv.view}" reads push source "${source.name}" and needs column(s) ${list(missing)} in df.`, {
        invalidParams: missing.map((c) => ({ name: `df.${c}`, reason: `required by feature view ${vv.view}` })),
        subject: "entity_columns",
      });
    }
    // A view's columns that the source does not declare cannot be checked.
    for (const c of needed) {
      if (!declared.has(c)) throw badRequest(`Feature view "${vv.view}" needs column "${c}", which push source "${source.name}" does not declare.`);
    }
  }
}

