// Test support: the rules Feast's Python client (v0.66) uses to read a feature server's answers,
// re-stated in TypeScript so the conformance suite can check Larder's bytes by them (written from
// Feast's source, not copied):
//   - JSON as Python's json module reads it: an integer literal is an int (any size), a literal with
//     a fraction or an exponent is a float (parsePythonJson);
//   - get-online-features (infra/online_stores/remote.py `_build_online_response_from_json`):
//     `metadata.feature_names[i]` names `results[i]`; each non-null value's type is inferred by
//     `python_values_to_proto_values([v])` (int → INT64, float → DOUBLE, str → STRING, bool → BOOL,
//     a list → `<type>_LIST` of its elements, which must all infer the same type; an empty list or a
//     null element cannot be inferred and raises); statuses map by name, an unknown one is INVALID;
//     `event_timestamps[0]` of the second result is read with `datetime.fromisoformat`;
//   - errors (rest_error_handler.py): on a non-2xx answer the client calls
//     `FeastError.from_error_detail(response.json())`, which maps only a JSON *string* holding
//     `{"module", "class", "message"}` to `<module>.<class>`; anything else is not mapped.

export type PyValue = { int: bigint } | { float: number } | string | boolean | null | PyValue[] | { [k: string]: PyValue };

/** JSON as Python's json.loads reads it (ints and floats told apart by their literal). */
export function parsePythonJson(text: string): PyValue {
  let i = 0;
  const ws = () => {
    while (i < text.length && " \t\n\r".includes(text[i])) i++;
  };
  const value = (): PyValue => {
    ws();
    const c = text[i];
    if (c === "{") {
      i++;
      const out: Record<string, PyValue> = {};
      ws();
      if (text[i] === "}") {
        i++;
        return out;
      }
      for (;;) {
        ws();
        const k = value();
        if (typeof k !== "string") throw new SyntaxError(`object key at ${i}`);
        ws();
        if (text[i++] !== ":") throw new SyntaxError(`':' at ${i}`);
        out[k] = value();
        ws();
        const d = text[i++];
        if (d === "}") return out;
        if (d !== ",") throw new SyntaxError(`',' at ${i}`);
      }
    }
    if (c === "[") {
      i++;
      const out: PyValue[] = [];
      ws();
      if (text[i] === "]") {
        i++;
        return out;
      }
      for (;;) {
        out.push(value());
        ws();
        const d = text[i++];
        if (d === "]") return out;
        if (d !== ",") throw new SyntaxError(`',' at ${i}`);
      }
    }
    if (c === '"') {
      const start = i;
      for (i++; text[i] !== '"'; i++) if (text[i] === "\\") i++;
      i++;
      return JSON.parse(text.slice(start, i)) as string;
    }
    for (const [w, v] of [["true", true], ["false", false], ["null", null]] as const) {
      if (text.startsWith(w, i)) {
        i += w.length;
        return v;
      }
    }
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (!m) throw new SyntaxError(`value at ${i}: ${text.slice(i, i + 20)}`);
    i += m[0].length;
    return m[2] === undefined && m[3] === undefined ? { int: BigInt(m[0]) } : { float: Number(m[0]) };
  };
  const v = value();
  ws();
  if (i !== text.length) throw new SyntaxError(`trailing text at ${i}`);
  return v;
}

export class FeastClientError extends Error {}

type ValueType = "INT64" | "DOUBLE" | "STRING" | "BOOL" | "INT64_LIST" | "DOUBLE_LIST" | "STRING_LIST" | "BOOL_LIST";

const isInt = (v: PyValue): v is { int: bigint } => typeof v === "object" && v !== null && !Array.isArray(v) && "int" in v;
const isFloat = (v: PyValue): v is { float: number } => typeof v === "object" && v !== null && !Array.isArray(v) && "float" in v;

/** python_type_to_feast_value_type for one scalar value, one level deep (recurse=False for list items). */
function scalarType(v: PyValue): ValueType {
  if (isInt(v)) {
    // Feast stores it in an int64 proto field: a bigger int raises.
    if (v.int < -(2n ** 63n) || v.int >= 2n ** 63n) throw new FeastClientError(`Value out of range: ${v.int}`);
    return "INT64";
  }
  if (isFloat(v)) return "DOUBLE";
  if (typeof v === "string") return "STRING";
  if (typeof v === "boolean") return "BOOL";
  throw new FeastClientError(`Value with native type ${v === null ? "NoneType" : Array.isArray(v) ? "list" : "dict"} cannot be converted into Feast value type`);
}

/** The Feast value type the client infers for one non-null JSON value (python_values_to_proto_values([v])). */
export function inferValueType(v: PyValue): ValueType {
  if (Array.isArray(v)) {
    if (v.length === 0) throw new FeastClientError("Couldn't infer value type from empty value");
    let common: ValueType | null = null;
    for (const item of v) {
      const t = scalarType(item);
      if (common && common !== t) throw new FeastClientError(`List value type for field  is inconsistent. ValueType.${common} different from ValueType.${t}.`);
      common = t;
    }
    return `${common}_LIST` as ValueType;
  }
  return scalarType(v);
}

export interface ParsedOnlineResponse {
  /** feature name → [value type (null for a null value), value] per row, in response order. */
  columns: { name: string; types: (ValueType | null)[]; values: PyValue[]; statuses: string[] }[];
  /** The first event timestamp of the second result, as the client reads it (fromisoformat). */
  eventTs: Date | null;
}

const STATUSES = new Set(["PRESENT", "NOT_FOUND", "NULL_VALUE", "OUTSIDE_MAX_AGE"]);
/** What datetime.fromisoformat accepts here (Python ≥ 3.7; fractions of 3 or 6 digits before 3.11). */
const FROM_ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3}|\.\d{6})?\+00:00$/;

/** Reads a get-online-features answer as Feast's remote client does; throws where it would. */
export function parseOnlineResponse(text: string): ParsedOnlineResponse {
  const json = parsePythonJson(text) as { [k: string]: PyValue };
  const meta = json.metadata as { [k: string]: PyValue } | undefined;
  const names = (meta?.feature_names ?? []) as PyValue[];
  const results = (json.results ?? []) as { [k: string]: PyValue }[];
  if (!names.every((n) => typeof n === "string")) throw new FeastClientError("feature_names must be strings");
  if (names.length !== results.length) throw new FeastClientError(`${names.length} feature names for ${results.length} results`);
  const columns = results.map((r, i) => {
    const values = (r.values ?? []) as PyValue[];
    const statuses = (r.statuses ?? []) as PyValue[];
    if (statuses.length !== values.length) throw new FeastClientError(`result ${i}: ${statuses.length} statuses for ${values.length} values`);
    for (const s of statuses) if (typeof s !== "string" || !STATUSES.has(s)) throw new FeastClientError(`result ${i}: status ${JSON.stringify(s)} maps to INVALID`);
    return { name: names[i] as string, types: values.map((v) => (v === null ? null : inferValueType(v))), values, statuses: statuses as string[] };
  });
  let eventTs: Date | null = null;
  const ts = (results[1]?.event_timestamps ?? []) as PyValue[];
  if (ts.length) {
    const s = String(ts[0]).replace("Z", "+00:00");
    if (!FROM_ISO.test(s)) throw new FeastClientError(`Invalid isoformat string: '${s}'`);
    eventTs = new Date(s);
  }
  return { columns, eventTs };
}

/** Feast's exception classes (feast/errors.py, v0.66) this suite expects, with the status each declares. */
export const FEAST_ERROR_CLASSES: Record<string, number> = {
  FeastError: 500,
  FeastObjectNotFoundException: 404,
  FeatureViewNotFoundException: 404,
  FeatureViewVersionNotFound: 404,
  FeatureServiceNotFoundException: 404,
  ProjectObjectNotFoundException: 404,
  PushSourceNotFoundException: 422,
  FeastPermissionError: 403,
  FeatureNameCollisionError: 500,
};

/** FeastError.from_error_detail(response.json()): the mapped class and message, or null when not mapped. */
export function fromErrorDetail(body: string): { cls: string; message: string } | null {
  let detail: PyValue;
  try {
    detail = parsePythonJson(body);
  } catch {
    return null;
  }
  // json.loads(detail) needs a str; a dict raises TypeError and the client logs "Invalid error detail".
  if (typeof detail !== "string") return null;
  let m: PyValue;
  try {
    m = parsePythonJson(detail);
  } catch {
    return null;
  }
  if (typeof m !== "object" || m === null || Array.isArray(m)) return null;
  const o = m as Record<string, PyValue>;
  if (!["module", "class", "message"].every((k) => k in o)) return null;
  if (o.module !== "feast.errors" || typeof o.class !== "string" || !(o.class in FEAST_ERROR_CLASSES)) return null;
  return { cls: o.class, message: String(o.message) };
}
