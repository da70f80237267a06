// Writing checked rows of one view version to the online store: the latest row per entity (event
// time, then created time; ties inside one call are settled here because the script compares event
// times only), rows older than the view's ttl skipped, then the newer-wins script (write-script.ts).
// Push and Feast's write-to-online-store share it.
import "server-only";
import { badRequest } from "../errors";
import { sharedRedis } from "../redis/connection";
import type { CatalogViewVersion } from "../registry/catalog-cache";
import { entityKey, packValues } from "./keys";
import { writeOnlineBatch, type OnlineWriteRow } from "./write-script";

export interface CheckedRows {
  n: number;
  /** Event time of each row, epoch µs. */
  ts: bigint[];
  /** Created time of each row, epoch µs (null sorts first); absent when the rows have none. */
  created?: (bigint | null)[];
  /** Column → canonical key text of each row (values.ts keyText; null = a null key), for the view's join keys. */
  keyTexts: Record<string, (string | null)[]>;
  /** Column → JSON text of each row's value (values.ts checkValue; "null" for null), for the view's row features. */
  json: Record<string, string[]>;
}

/** Writes the view version's row-level features of `rows`; resolves to the number of entity hashes changed. */
export async function writeViewRowsOnline(project: string, vv: CatalogViewVersion, rows: CheckedRows, nowUs: bigint): Promise<number> {
  const rowFeatures = vv.features.filter((f) => f.kind === "field");
  const ttlUs = vv.ttlSeconds === null ? null : BigInt(vv.ttlSeconds) * 1_000_000n;
  const { ts, created } = rows;
  const best = new Map<string, number>();
  for (let i = 0; i < rows.n; i++) {
    if (ttlUs !== null && ts[i] < nowUs - ttlUs) continue;
    const keyValues: Record<string, string> = {};
    let nullKey = false;
    for (const k of vv.joinKeys) {
      const t = rows.keyTexts[k.name][i];
      if (t === null) nullKey = true;
      else keyValues[k.name] = t;
    }
    // A row with a null join key describes no entity anyone can read.
    if (nullKey) continue;
    const key = entityKey(project, keyValues);
    const prev = best.get(key);
    if (prev === undefined || ts[i] > ts[prev] || (ts[i] === ts[prev] && createdOrder(created?.[i]) >= createdOrder(created?.[prev]))) best.set(key, i);
  }
  const out: OnlineWriteRow[] = [];
  for (const [key, i] of best) {
    out.push({ key, tsUs: ts[i], row: packValues(rowFeatures.map((f) => rows.json[f.name][i])), agg: null });
  }
  return writeOnlineBatch(sharedRedis("online"), { project, view: vv.view, version: vv.version, asofUs: null, rows: out });
}

/** Created times in order; null (no created time) before any. */
function createdOrder(v: bigint | null | undefined): bigint {
  return v ?? -(2n ** 70n);
}

/**
 * A request's `df` as columns of equal length, with pandas' DataFrame rules (Feast builds one from
 * it): arrays are columns; a scalar is repeated down the rows (Feast's documented push example
 * sends `"string_feature": "test2"`). Unequal arrays, or only scalars, are a 400.
 */
export function dfColumns(df: Record<string, unknown>): { n: number; columns: Record<string, unknown[]> } {
  let n = -1;
  for (const [col, v] of Object.entries(df)) {
    if (!Array.isArray(v)) continue;
    if (n === -1) n = v.length;
    else if (v.length !== n) {
      throw badRequest(`Every df column must have the same length; df.${col} has ${v.length} values, others ${n}.`, [{ name: `df.${col}`, reason: `length ${v.length} ≠ ${n}` }]);
    }
  }
  if (n === -1) throw badRequest("df has only single values; send at least one column as a list of values.", [{ name: "df", reason: "no list column" }]);
  if (n === 0) throw badRequest("df has no rows; send at least one row.", [{ name: "df", reason: "no rows" }]);
  // No prototype: a column named "__proto__" or "length" is just a column (here, ignored).
  const columns = Object.create(null) as Record<string, unknown[]>;
  for (const [col, v] of Object.entries(df)) columns[col] = Array.isArray(v) ? v : new Array(n).fill(v);
  return { n, columns };
}
