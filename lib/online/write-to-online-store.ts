// Feast's write-to-online-store (docs/retrieval.md, "Feast compatibility"): rows of one feature
// view's features, written straight to the online store of its latest version through the
// newer-wins script — what Feast's remote online store client sends when it materializes or pushes
// through a feature server. The df carries the join keys, the row-level features, the event time
// (the source's timestamp field or `event_timestamp`) and optionally the created time (its field or
// `created`); other columns are ignored, as in Feast. Window aggregates cannot be written: they are
// computed by materialization.
import "server-only";
import { z } from "zod";
import type { Principal } from "../auth/principal";
import { LarderError, badRequest, notFound, zodIssuesToParams } from "../errors";
import { parseTimeUs, timeHint } from "../offline/timestamps";
import { getFreshCatalog } from "../registry/catalog-cache";
import { writeJson } from "../shared/exact-json";
import { checkValue, keyText } from "./values";
import { dfColumns, writeViewRowsOnline } from "./write-rows";

export const WriteToOnlineStoreBody = z
  .object({
    feature_view_name: z.string().min(1),
    df: z.record(z.string(), z.unknown()).describe("Columns: join keys, features, the event time (and the created time): column → values."),
    allow_registry_cache: z.boolean().optional(),
    transform_on_write: z.boolean().optional(),
  })
  .strict();

export interface WriteToOnlineStoreResult {
  view: string;
  rows: number;
  rows_written: number;
  ignored_columns: string[];
}

function bad(col: string, i: number, v: unknown, what: string, dtype: string): LarderError {
  return new LarderError("bad_request", `Column "${col}" has dtype ${dtype}: df.${col}[${i}] is ${writeJson(v)}; expected ${what}.`, {
    invalidParams: [{ name: `df.${col}[${i}]`, reason: `expected ${dtype}` }],
    subject: "entity_columns",
  });
}

export async function writeToOnlineStore(input: { project: string; principal: Principal; request: unknown; now?: number }): Promise<WriteToOnlineStoreResult> {
  const parsed = WriteToOnlineStoreBody.safeParse(input.request);
  if (!parsed.success) {
    throw new LarderError("bad_request", `The body is invalid: ${parsed.error.issues.map((i) => `${i.path.join(".") || "body"}: ${i.message}`).join("; ")}`, {
      invalidParams: zodIssuesToParams(parsed.error),
    });
  }
  const { feature_view_name: name } = parsed.data;
  const { n, columns: df } = dfColumns(parsed.data.df);
  const catalog = await getFreshCatalog(input.project);
  const view = catalog.views.get(name);
  if (!view) throw notFound(`Feature view ${name} does not exist in project ${catalog.project}; feature views: ${[...catalog.views.keys()].sort().join(", ") || "(none)"}.`, "feature_view");
  const vv = view.versions.get(view.latestVersion)!;
  if (vv.materialization.online === false) throw badRequest(`Feature view ${name} does not materialize online (materialization.online: false).`);
  const source = (vv.definition.source ?? {}) as { timestamp_field?: string; created_timestamp_field?: string | null };
  const cols = Object.keys(df);
  const tsCol = [source.timestamp_field, "event_timestamp"].find((c) => c && cols.includes(c));
  const createdCol = [source.created_timestamp_field, "created"].find((c) => c && cols.includes(c));
  const rowFeatures = vv.features.filter((f) => f.kind === "field");
  const aggregates = vv.features.filter((f) => f.kind === "aggregation" && cols.includes(f.name));
  if (aggregates.length) {
    throw badRequest(`${aggregates.map((f) => f.name).join(", ")} ${aggregates.length > 1 ? "are window aggregates" : "is a window aggregate"} of ${name}; materialization computes them, they cannot be written.`, undefined, "entity_columns");
  }
  const missing = [...vv.joinKeys.map((k) => k.name), ...rowFeatures.map((f) => f.name)].filter((c) => !cols.includes(c));
  if (!tsCol) missing.push(source.timestamp_field ?? "event_timestamp");
  if (missing.length) {
    throw new LarderError("bad_request", `Writing ${name} needs column(s) ${missing.join(", ")} in df (its join keys, features and event time).`, {
      invalidParams: missing.map((c) => ({ name: `df.${c}`, reason: "required" })),
      subject: "entity_columns",
    });
  }

  const times = (col: string, nullable: boolean) =>
    df[col].map((v, i) => {
      if (v === null || v === undefined) {
        if (nullable) return null;
        throw bad(col, i, v, "a time (this column may not be null)", "timestamp");
      }
      const t = parseTimeUs(v, "ms");
      if ("error" in t) throw bad(col, i, v, `${timeHint("ms")} (${t.error})`, "timestamp");
      return t.us;
    });
  const ts = times(tsCol!, false) as bigint[];
  const created = createdCol ? times(createdCol, true) : undefined;
  const keyTexts: Record<string, (string | null)[]> = {};
  for (const k of vv.joinKeys) {
    keyTexts[k.name] = df[k.name].map((v, i) => {
      if (v === null || v === undefined) return null;
      const t = keyText(k.dtype, v);
      if (t === null) throw bad(k.name, i, v, "a join key value of its dtype", k.dtype);
      return t;
    });
  }
  const json: Record<string, string[]> = {};
  for (const f of rowFeatures) {
    json[f.name] = df[f.name].map((v, i) => {
      if (v === null || v === undefined) return "null";
      const c = checkValue(f.dtype, v);
      if ("error" in c) throw bad(f.name, i, v, c.error, f.dtype);
      return c.json;
    });
  }
  const nowUs = BigInt(input.now ?? Date.now()) * 1000n;
  const written = await writeViewRowsOnline(catalog.project, vv, { n, ts, created, keyTexts, json }, nowUs);
  const used = new Set([...vv.joinKeys.map((k) => k.name), ...rowFeatures.map((f) => f.name), tsCol!, ...(createdCol ? [createdCol] : [])]);
  return { view: `${vv.view}@v${vv.version}`, rows: n, rows_written: written, ignored_columns: cols.filter((c) => !used.has(c)) };
}
