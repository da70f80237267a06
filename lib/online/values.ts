// Feature and join key values by dtype, as they come in (pushed rows, Feast's write-to-online-store,
// online requests) and as they are stored and answered (docs/retrieval.md, "Values on the wire"):
//   int32/int64   JSON integers or digit strings in; exact digits out (all 19 of an int64)
//   float32/64    JSON numbers in; float form out (`42.0`; a float32 as its exact float64 value;
//                 −0.0 as 0.0)
//   timestamp     ISO 8601 or epoch seconds in; epoch seconds out (Feast's unit), with a fraction
//                 to the microsecond when there is one (`1704164645.557058`)
//   bytes         base64 in and out
//   bool, string  as JSON; lists of the numeric and string types element by element; null is null.
// Materialization writes the same text from SQL (lib/materialize/online-sql.ts); a test keeps the two
// equal for every dtype.
import "server-only";
import { float32Text, float64Text, fitsFloat32, intText } from "../shared/json-numbers";
import { secondsTextFromUs, TIME_RANGE_TEXT } from "../shared/time-us";
import { parseTimeUs } from "../offline/timestamps";

/** A value checked against its dtype: what is stored offline (`value`) and its JSON text online (`json`). */
export type Checked = { value: unknown; json: string } | { error: string };

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * A float value: a finite JSON number, or an integer literal too long for a double to hold exactly
 * (parsed as a BigInt by exact-json.ts), which a float column reads as its nearest double.
 */
function floatOf(v: unknown): number | null {
  const x = typeof v === "bigint" ? Number(v) : v;
  // −0.0 is kept as 0.0: DuckDB's aggregations (materialization's latest-row pick, historical joins)
  // drop the sign of a zero, and every path must spell a value the same way.
  return typeof x === "number" && Number.isFinite(x) ? (x === 0 ? 0 : x) : null;
}

/** What a value of `dtype` must look like, for error messages. */
export function expectedOf(dtype: string): string {
  if (dtype.startsWith("list<")) return `a list of ${expectedOf(dtype.slice(5, -1)).replace(/^an? /, "")}s (null elements allowed)`;
  switch (dtype) {
    case "int32":
    case "int64":
      return `an integer in the ${dtype} range (a digit string is fine)`;
    case "float32":
    case "float64":
      return dtype === "float32" ? "a number within the float32 range" : "a number";
    case "bool":
      return "true or false";
    case "timestamp":
      return `an ISO 8601 time or epoch seconds, within ${TIME_RANGE_TEXT}`;
    case "bytes":
      return "a base64 string";
    default:
      return "a string";
  }
}

/**
 * Checks a non-null value of `dtype`; answers what to store offline (ints as BigInt, times as epoch
 * µs BigInt, bytes as their base64 text, floats as numbers) and its JSON text for the online store.
 */
export function checkValue(dtype: string, v: unknown): Checked {
  if (dtype.startsWith("list<")) {
    if (!Array.isArray(v)) return { error: expectedOf(dtype) };
    const inner = dtype.slice(5, -1);
    const values: unknown[] = new Array(v.length);
    const texts: string[] = new Array(v.length);
    for (let i = 0; i < v.length; i++) {
      if (v[i] === null) {
        values[i] = null;
        texts[i] = "null";
        continue;
      }
      const c = checkValue(inner, v[i]);
      if ("error" in c) return { error: `element ${i}: ${c.error}` };
      values[i] = c.value;
      texts[i] = c.json;
    }
    return { value: values, json: `[${texts.join(",")}]` };
  }
  switch (dtype) {
    case "int32":
    case "int64": {
      const t = intText(v, dtype);
      return t === null ? { error: expectedOf(dtype) } : { value: BigInt(t), json: t };
    }
    case "float64": {
      const x = floatOf(v);
      return x !== null ? { value: x, json: float64Text(x) } : { error: expectedOf(dtype) };
    }
    case "float32": {
      const x = floatOf(v);
      return x !== null && fitsFloat32(x) ? { value: x, json: float32Text(x) } : { error: expectedOf(dtype) };
    }
    case "bool":
      return typeof v === "boolean" ? { value: v, json: v ? "true" : "false" } : { error: expectedOf(dtype) };
    case "timestamp": {
      const t = parseTimeUs(v, "s");
      return "error" in t ? { error: `${expectedOf(dtype)} (${t.error})` } : { value: t.us, json: secondsTextFromUs(t.us) };
    }
    case "bytes":
      return typeof v === "string" && BASE64.test(v) ? { value: v, json: JSON.stringify(v) } : { error: expectedOf(dtype) };
    default:
      return typeof v === "string" ? { value: v, json: JSON.stringify(v) } : { error: expectedOf(dtype) };
  }
}

/**
 * The canonical text of a join key value in the online store's keys (keys.ts), the same text
 * materialization builds in SQL (`keyPartSql`): integers as digits, floats as float text, times as
 * epoch µs, bytes as base64, bools as true/false; null when the value does not fit the dtype.
 */
export function keyText(dtype: string, v: unknown): string | null {
  switch (dtype) {
    case "int32":
    case "int64":
      return intText(v, dtype);
    case "float64": {
      const x = floatOf(v);
      return x === null ? null : float64Text(x);
    }
    case "float32": {
      const x = floatOf(v);
      return x === null || !fitsFloat32(x) ? null : float32Text(x);
    }
    case "bool":
      return typeof v === "boolean" ? String(v) : null;
    case "timestamp": {
      const t = typeof v === "bigint" ? { us: v } : parseTimeUs(v, "s");
      return "error" in t ? null : t.us.toString();
    }
    case "bytes":
      return typeof v === "string" && BASE64.test(v) ? v : null;
    default:
      // Strings; list join keys have no key text (they are refused).
      return typeof v === "string" && !dtype.startsWith("list<") ? v : null;
  }
}

/** The JSON a join key value is echoed as in an online answer: typed by its dtype (an int64 digit string comes back a number). */
export function keyEchoJson(dtype: string, text: string, original: unknown): string {
  switch (dtype) {
    case "int32":
    case "int64":
    case "float32":
    case "float64":
    case "bool":
      return text;
    case "timestamp":
      return secondsTextFromUs(BigInt(text));
    default:
      return JSON.stringify(typeof original === "string" ? original : text);
  }
}
