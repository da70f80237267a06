// Loads an entity table (JSON rows, or an uploaded CSV or Parquet file) into a DuckDB temp table:
// every input column kept in order, join keys cast to their dtypes, the event timestamp column
// normalised to a UTC TIMESTAMP to the microsecond (zone offsets converted; no zone = UTC), plus
// `__row` (input order). JSON rows keep int64 exact (parsed by lib/shared/exact-json.ts, written to
// DuckDB as digits).
import "server-only";
import { randomUUID } from "node:crypto";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { DuckDBConnection } from "@duckdb/node-api";
import { qid, qlit } from "../duckdb/instance";
import { LarderError, badRequest } from "../errors";
import { duckType } from "../shared/dtypes";
import { writeJson } from "../shared/exact-json";
import { intText } from "../shared/json-numbers";
import { floorMs, parseTimeUs, timeHint } from "./timestamps";
import { ownDataErrorSummary } from "../duckdb/error-text";
import { MAX_TIME_US, MIN_TIME_US, TIME_RANGE_TEXT } from "../shared/time-us";

export type EntitySource =
  | { kind: "rows"; rows: Record<string, unknown>[] }
  | { kind: "file"; path: string; format: "csv" | "parquet" };

export interface LoadedEntityTable {
  table: string;
  /** Input columns in input order (the timestamp column among them). */
  columns: string[];
  rows: number;
  /** Earliest and latest entity time, epoch ms floored (intervals and partitions are in ms). */
  minT: number | null;
  maxT: number | null;
}

/** JSON entity tables above this many rows are refused: upload a file instead. */
export const MAX_JSON_ENTITY_ROWS = 50_000;

/** Checks one join key value; returns it as DuckDB should read it (integers as BigInt: exact digits). */
function checkKey(key: string, dtype: string, v: unknown, i: number): unknown {
  const bad = (expected: string) =>
    new LarderError("bad_request", `Join key "${key}" has dtype ${dtype}: entity_rows[${i}].${key} is ${writeJson(v)}; expected ${expected}.`, {
      invalidParams: [{ name: `entity_rows[${i}].${key}`, reason: `expected ${dtype}` }],
    });
  if (v === null || v === undefined) throw bad("a value");
  switch (dtype) {
    case "int32":
    case "int64": {
      const t = intText(v, dtype);
      if (t === null) throw bad(`an integer in the ${dtype} range (digits in a string are fine, e.g. "9223372036854775807")`);
      return BigInt(t);
    }
    case "float32":
    case "float64":
      if (typeof v === "number") return v;
      if (typeof v === "bigint") return Number(v); // an integer literal beyond 2^53 (exact-json.ts) in a float column
      throw bad("a number");
    case "bool":
      if (typeof v === "boolean") return v;
      throw bad("true or false");
    default:
      if (typeof v === "string") return v;
      throw bad("a string");
  }
}

async function describe(c: DuckDBConnection, relation: string): Promise<{ name: string; type: string }[]> {
  const r = await c.runAndReadAll(`DESCRIBE SELECT * FROM ${relation}`);
  return r.getRowObjects().map((o) => ({ name: String(o.column_name), type: String(o.column_type) }));
}

/** A UTC TIMESTAMP expression for an input time column of DuckDB type `type`. */
function utcTimestampExpr(col: string, type: string): string | null {
  const c = qid(col);
  const t = type.toUpperCase();
  if (t === "TIMESTAMP WITH TIME ZONE") return `timezone('UTC', ${c})`;
  if (t.startsWith("TIMESTAMP") || t === "DATE") return `CAST(${c} AS TIMESTAMP)`;
  if (t === "VARCHAR") {
    // Offsets are converted to UTC; a time without a zone is UTC (never the server's zone).
    return `CASE WHEN regexp_matches(trim(${c}), '(Z|z|[+-][0-9]{2}(:?[0-9]{2})?)$') THEN timezone('UTC', CAST(trim(${c}) AS TIMESTAMPTZ)) ELSE CAST(trim(${c}) AS TIMESTAMP) END`;
  }
  if (["BIGINT", "INTEGER", "HUGEINT", "UBIGINT"].includes(t)) return `epoch_ms(CAST(${c} AS BIGINT))`;
  return null;
}

/** text/csv is RFC 4180: comma-separated, double-quoted, quotes doubled (DuckDB's dialect sniffing was most of a CSV upload's time). */
const CSV_DIALECT = `header = true, delim = ',', quote = '"', escape = '"'`;

/**
 * The header row's names (RFC 4180: quoted names may hold commas, quotes and newlines; a UTF-8 BOM
 * is dropped), or null when the first 64 KiB hold no complete header row.
 */
export async function csvHeader(file: string): Promise<string[] | null> {
  const fh = await fs.open(file, "r");
  let text: string;
  try {
    const buf = Buffer.alloc(64 * 1024);
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
    text = buf.subarray(0, bytesRead).toString("utf8");
  } finally {
    await fh.close();
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const names: string[] = [];
  let i = 0;
  for (;;) {
    let name = "";
    if (text[i] === '"') {
      for (i++; ; i++) {
        if (i >= text.length) return null;
        if (text[i] === '"') {
          if (text[i + 1] === '"') {
            name += '"';
            i++;
          } else {
            i++;
            break;
          }
        } else name += text[i];
      }
    } else {
      while (i < text.length && text[i] !== "," && text[i] !== "\n" && text[i] !== "\r") name += text[i++];
    }
    names.push(name);
    if (text[i] === ",") {
      i++;
      continue;
    }
    if (text[i] === "\n" || text[i] === "\r") return names;
    return null; // no end of line within the first 64 KiB, or text after a closing quote
  }
}

/**
 * The relation reading an uploaded CSV: join keys read as their dtypes, the time column as text
 * (converted to UTC below), other columns with the types DuckDB detects. A table of join keys and
 * the time column only (an inference entity table) is read without any detection.
 */
async function csvRelation(c: DuckDBConnection, file: string, joinKeys: Map<string, string>, timestampColumn: string): Promise<string> {
  const header = await csvHeader(file);
  const usable = header !== null && header.every((n) => n !== "") && new Set(header).size === header.length;
  let columns: [string, string][];
  if (usable && header.every((n) => n === timestampColumn || joinKeys.has(n))) {
    columns = header.map((n) => [n, n === timestampColumn ? "VARCHAR" : duckType(joinKeys.get(n)!)]);
  } else {
    // Other columns keep the types DuckDB detects; one detection pass, in the fixed dialect.
    let detected: { name: string; type: string }[];
    try {
      detected = await describe(c, `read_csv(${qlit(file)}, ${CSV_DIALECT})`);
    } catch (e) {
      throw badRequest(`The entity table is not a readable CSV file with a header row: ${ownDataErrorSummary(e)}`);
    }
    columns = detected.map((d) => [d.name, d.name === timestampColumn ? "VARCHAR" : joinKeys.has(d.name) ? duckType(joinKeys.get(d.name)!) : d.type]);
  }
  const names = columns.map(([n]) => n);
  if (!names.includes(timestampColumn) && names.length === 1 && /[;\t|]/.test(names[0])) {
    throw badRequest(`The CSV header is one column, "${names[0]}": text/csv uploads are comma-separated; save the table with "," between cells.`);
  }
  return `read_csv(${qlit(file)}, ${CSV_DIALECT}, auto_detect = false, columns = {${columns.map(([n, t]) => `${qlit(n)}: ${qlit(t)}`).join(", ")}})`;
}

export async function loadEntityTable(
  c: DuckDBConnection,
  source: EntitySource,
  joinKeys: Map<string, string>,
  timestampColumn: string,
): Promise<LoadedEntityTable> {
  const table = `ent_${randomUUID().replace(/-/g, "")}`;
  const tmpFiles: string[] = [];
  try {
    let relation: string;
    if (source.kind === "rows") {
      const rows = source.rows;
      if (rows.length === 0) throw badRequest("The entity table is empty; send at least one row.", [{ name: "entity_rows", reason: "no rows" }]);
      if (rows.length > MAX_JSON_ENTITY_ROWS) {
        throw new LarderError(
          "payload_too_large",
          `The JSON entity table has ${rows.length} rows; JSON bodies take at most ${MAX_JSON_ENTITY_ROWS}. Upload the table as Parquet or CSV (Content-Type application/vnd.apache.parquet or text/csv).`,
        );
      }
      // Columns in first-seen order; JS checks keys and times so errors name the row.
      const cols: string[] = [];
      const seen = new Set<string>();
      for (const r of rows) {
        for (const k of Object.keys(r)) {
          if (seen.has(k)) continue;
          seen.add(k);
          cols.push(k);
        }
      }
      if (!seen.has(timestampColumn)) {
        throw badRequest(`The entity rows have no "${timestampColumn}" column; add each row's time there or name the column with event_timestamp_column.`, [
          { name: `entity_rows[0].${timestampColumn}`, reason: "required" },
        ]);
      }
      const lines: string[] = new Array(rows.length);
      for (let i = 0; i < rows.length; i++) {
        const r = rows[i];
        if (typeof r !== "object" || r === null || Array.isArray(r)) throw badRequest(`entity_rows[${i}] must be an object.`);
        const line: Record<string, unknown> = { ...r };
        for (const [k, dtype] of joinKeys) {
          if (!(k in r)) {
            throw badRequest(`entity_rows[${i}] has no join key "${k}" (dtype ${dtype}).`, [{ name: `entity_rows[${i}].${k}`, reason: "required" }]);
          }
          line[k] = checkKey(k, dtype, r[k], i);
        }
        const t = parseTimeUs(r[timestampColumn]);
        if ("error" in t) {
          throw badRequest(`entity_rows[${i}].${timestampColumn} is ${writeJson(r[timestampColumn])}: ${t.error}; expected ${timeHint()}.`, [
            { name: `entity_rows[${i}].${timestampColumn}`, reason: "expected a time" },
          ]);
        }
        line[timestampColumn] = t.us;
        lines[i] = writeJson(line);
      }
      const file = path.join(os.tmpdir(), `larder-entities-${randomUUID()}.ndjson`);
      tmpFiles.push(file);
      await fs.writeFile(file, lines.join("\n"));
      // Types are detected over every row; join keys and the time are cast explicitly below.
      relation = `read_json(${qlit(file)}, format='newline_delimited', sample_size=-1)`;
    } else if (source.format === "csv") {
      relation = await csvRelation(c, source.path, joinKeys, timestampColumn);
    } else {
      relation = `read_parquet(${qlit(source.path)})`;
    }
    let described: { name: string; type: string }[];
    try {
      described = await describe(c, relation);
    } catch (e) {
      const what = source.kind === "file" ? (source.format === "parquet" ? "a readable Parquet file" : "a readable CSV file with a header row") : "valid rows";
      throw badRequest(`The entity table is not ${what}: ${ownDataErrorSummary(e)}`);
    }
    const byName = new Map(described.map((d) => [d.name, d.type]));
    const tsType = byName.get(timestampColumn);
    if (!tsType) {
      throw badRequest(
        `The entity table has no "${timestampColumn}" column (columns: ${described.map((d) => d.name).join(", ")}); add it or name the time column with event_timestamp_column.`,
        [{ name: timestampColumn, reason: "required" }],
      );
    }
    const tsExpr = source.kind === "rows" ? `make_timestamp(CAST(${qid(timestampColumn)} AS BIGINT))` : utcTimestampExpr(timestampColumn, tsType);
    if (!tsExpr) throw badRequest(`Column "${timestampColumn}" has type ${tsType}; it must hold times (timestamps or ISO 8601 strings).`);
    const select: string[] = [];
    for (const d of described) {
      const dtype = joinKeys.get(d.name);
      if (d.name === timestampColumn) select.push(`${tsExpr} AS ${qid(d.name)}`);
      else if (dtype) select.push(`CAST(${qid(d.name)} AS ${duckType(dtype)}) AS ${qid(d.name)}`);
      else select.push(qid(d.name));
    }
    for (const [k, dtype] of joinKeys) {
      if (!byName.has(k)) {
        throw badRequest(`The entity table has no join key column "${k}" (dtype ${dtype}); the requested features need ${[...joinKeys.keys()].join(", ")}.`, [
          { name: k, reason: "required" },
        ]);
      }
    }
    try {
      await c.run(`CREATE TEMP TABLE ${table} AS SELECT row_number() OVER () - 1 AS __row, ${select.join(", ")} FROM ${relation}`);
    } catch (e) {
      throw badRequest(`The entity table cannot be read with the join key and time types the features need: ${ownDataErrorSummary(e)}`);
    }
    const stats = (
      await c.runAndReadAll(
        `SELECT count(*)::BIGINT AS n, epoch_us(min(${qid(timestampColumn)})) AS lo, epoch_us(max(${qid(timestampColumn)})) AS hi, count(*) FILTER (WHERE ${qid(timestampColumn)} IS NULL)::BIGINT AS nulls FROM ${table}`,
      )
    ).getRowObjects()[0];
    if (Number(stats.nulls) > 0) {
      throw badRequest(`${Number(stats.nulls)} entity rows have no time in "${timestampColumn}" (empty or unreadable); every row needs one.`);
    }
    const rows = Number(stats.n);
    if (rows === 0) throw badRequest("The entity table is empty; send at least one row.");
    // DuckDB reads year 0000 or 10000 from a CSV or Parquet file; no partition or answer can hold it.
    const lo = stats.lo === null ? null : BigInt(stats.lo as bigint);
    const hi = stats.hi === null ? null : BigInt(stats.hi as bigint);
    if ((lo !== null && lo < MIN_TIME_US) || (hi !== null && hi > MAX_TIME_US)) {
      throw badRequest(`Some entity rows have a time in "${timestampColumn}" outside ${TIME_RANGE_TEXT}; keep every row's time inside it.`, [
        { name: timestampColumn, reason: `outside ${TIME_RANGE_TEXT}` },
      ]);
    }
    return {
      table,
      columns: described.map((d) => d.name),
      rows,
      minT: stats.lo === null ? null : floorMs(BigInt(stats.lo as bigint)),
      maxT: stats.hi === null ? null : floorMs(BigInt(stats.hi as bigint)),
    };
  } finally {
    for (const f of tmpFiles) await fs.rm(f, { force: true });
  }
}
