// Rows as exact JSON text, built by DuckDB from the typed columns (no JavaScript number in between):
// BIGINT keeps every digit, floats keep their float form (`42.0`; a FLOAT prints its shortest
// float32 form, `0.1`), NaN and ±infinity become null (JSON has no such numbers), timestamps are ISO
// 8601 UTC with microseconds, BLOBs base64. Used where a reader returns stored values as JSON text
// (previews).
import "server-only";
import { qid } from "./instance";

const FLOAT = /^(FLOAT|REAL|FLOAT4|DOUBLE|FLOAT8)$/i;
const FLOAT_LIST = /^(FLOAT|REAL|FLOAT4|DOUBLE|FLOAT8)\[\]$/i;
const TIMESTAMP = /^(TIMESTAMP|TIMESTAMP_NS|TIMESTAMP_MS|TIMESTAMP_S|TIMESTAMP WITH TIME ZONE|DATETIME)$/i;

const finite = (x: string) => `CASE WHEN isfinite(${x}) THEN (${x})::VARCHAR::JSON END`;

/** A SQL expression giving the JSON form of `expr`, whose DuckDB type is `duckType`. */
export function jsonValueSql(expr: string, duckType: string): string {
  const t = duckType.trim();
  if (FLOAT.test(t)) return finite(expr);
  if (FLOAT_LIST.test(t)) return `list_transform(${expr}, x -> ${finite("x")})`;
  if (TIMESTAMP.test(t)) return `strftime(CAST(${expr} AS TIMESTAMP), '%Y-%m-%dT%H:%M:%S.%fZ')`;
  if (/^DATE$/i.test(t)) return `strftime(${expr}, '%Y-%m-%d')`;
  if (/^BLOB$/i.test(t)) return `to_base64(${expr})`;
  if (/^(HUGEINT|UHUGEINT|DECIMAL.*)$/i.test(t)) return `(${expr})::VARCHAR::JSON`;
  return expr;
}

/** `SELECT … AS json` of one JSON object per row, keys in column order. */
export function jsonRowSql(columns: { name: string; type: string }[]): string {
  return `to_json(struct_pack(${columns.map((c) => `${qid(c.name)} := ${jsonValueSql(qid(c.name), c.type)}`).join(", ")}))::VARCHAR`;
}
