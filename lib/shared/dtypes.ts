// Declared dtypes ↔ DuckDB types, the one table (docs/feature-repo.md). Data whose type cannot represent the declared dtype
// is a dtype mismatch (a job failure naming the column), not a silent lossy cast.
const DUCK_TYPE: Record<string, string> = {
  int32: "INTEGER",
  int64: "BIGINT",
  float32: "FLOAT",
  float64: "DOUBLE",
  string: "VARCHAR",
  bool: "BOOLEAN",
  timestamp: "TIMESTAMP",
  bytes: "BLOB",
};

export function duckType(dtype: string): string {
  const list = /^list<(.+)>$/.exec(dtype);
  if (list) return `${duckType(list[1])}[]`;
  const t = DUCK_TYPE[dtype];
  if (!t) throw new Error(`unknown dtype ${dtype}`);
  return t;
}

const INTEGER_TYPES = ["TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT", "UHUGEINT"];
const FLOAT_TYPES = ["FLOAT", "DOUBLE"];
const TIMESTAMP_TYPES = ["TIMESTAMP", "TIMESTAMP_NS", "TIMESTAMP_MS", "TIMESTAMP_S", "TIMESTAMP WITH TIME ZONE", "DATE"];

function accepts(dtype: string, actual: string): boolean {
  const a = actual.toUpperCase().trim();
  const list = /^list<(.+)>$/.exec(dtype);
  if (list) {
    const inner = /^(.*)\[\d*\]$/.exec(a);
    return !!inner && accepts(list[1], inner[1]);
  }
  switch (dtype) {
    case "int32":
    case "int64":
      return INTEGER_TYPES.includes(a);
    case "float32":
    case "float64":
      return INTEGER_TYPES.includes(a) || FLOAT_TYPES.includes(a) || a.startsWith("DECIMAL");
    case "string":
      return a === "VARCHAR" || a.startsWith("ENUM");
    case "bool":
      return a === "BOOLEAN";
    case "timestamp":
      return TIMESTAMP_TYPES.includes(a);
    case "bytes":
      return a === "BLOB";
    default:
      return false;
  }
}

/** null when `actual` (a DuckDB column type) can hold `dtype` values, else a readable reason. */
export function dtypeMismatch(column: string, dtype: string, actual: string): string | null {
  return accepts(dtype, actual) ? null : `column ${column} is declared ${dtype} but the data is ${actual}`;
}

export function isNumericDtype(dtype: string): boolean {
  return ["int32", "int64", "float32", "float64"].includes(dtype);
}

export function isFloatDtype(dtype: string): boolean {
  return dtype === "float32" || dtype === "float64";
}
