// Numbers as JSON text by dtype (docs/retrieval.md, "Values on the wire"): the one spelling every path
// writes, byte for byte what DuckDB's CAST(x AS VARCHAR) gives (which is also Python's repr, so a
// Feast client reads what Feast's own server would print):
//   - float64: the shortest decimal that reads back as the same double, always in float form
//     (`42.0`, `0.1`, `1e+16`, `1.5e-07`, `-0.0`): fixed notation for 1e-4 ≤ |x| < 1e16, else
//     scientific with a two-digit exponent;
//   - float32: stored as float32 (a value float32 cannot hold is rounded to the nearest float32,
//     16777217 → 16777216), written as that float32's exact value in float64 notation: 0.1 reads
//     back `0.10000000149011612` (as Feast's server prints a float32; declare float64 to keep 0.1);
//   - int32/int64: the exact digits (a BigInt or a digit string keeps all 19).
// NaN and ±Infinity have no JSON spelling: callers write null.

/** Python-repr notation of a finite non-negative number given by its significant digits and decimal exponent (d.ddd × 10^e). */
function notation(neg: boolean, digits: string, e: number): string {
  const sign = neg ? "-" : "";
  if (e < -4 || e >= 16) {
    const mant = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const ae = Math.abs(e);
    return `${sign}${mant}e${e < 0 ? "-" : "+"}${ae < 10 ? "0" : ""}${ae}`;
  }
  if (e < 0) return `${sign}0.${"0".repeat(-e - 1)}${digits}`;
  const intLen = e + 1;
  if (digits.length <= intLen) return `${sign}${digits}${"0".repeat(intLen - digits.length)}.0`;
  return `${sign}${digits.slice(0, intLen)}.${digits.slice(intLen)}`;
}

/** Significant digits (no trailing zeros) and decimal exponent of |x|'s shortest round-trip form. */
function shortest(x: number): { digits: string; e: number } {
  const s = Math.abs(x).toExponential(); // shortest digits that read back as the same double
  const at = s.indexOf("e");
  const digits = s.slice(0, at).replace(".", "").replace(/0+$/, "") || "0";
  return { digits, e: Number(s.slice(at + 1)) };
}

/** JSON text of a finite float64 value (see above). */
export function float64Text(x: number): string {
  if (x === 0) return Object.is(x, -0) ? "-0.0" : "0.0";
  const { digits, e } = shortest(x);
  return notation(x < 0, digits, e);
}

/**
 * JSON text of a finite value stored as float32: rounded to float32, then that float32's exact value
 * written as a float64 (what Feast's server prints for a float32, and what DuckDB's JSON writer
 * gives): 0.1 stored as float32 reads back 0.10000000149011612, 42 as 42.0.
 */
export function float32Text(x: number): string {
  const f = Math.fround(x);
  if (!Number.isFinite(f)) throw new RangeError(`${x} is beyond the float32 range`);
  return float64Text(f);
}

/** Whether a float64 value fits float32's range (after rounding); beyond it float32 would store ±Infinity. */
export function fitsFloat32(x: number): boolean {
  return Number.isFinite(Math.fround(x));
}

export const INT64_MIN = -(2n ** 63n);
export const INT64_MAX = 2n ** 63n - 1n;
export const INT32_MIN = -(2n ** 31n);
export const INT32_MAX = 2n ** 31n - 1n;

const INT_TEXT = /^-?[0-9]+$/;

/**
 * The canonical digits of an integer given as a safe JS integer, a BigInt or a digit string
 * (`"007"` → `"7"`), or null when it is not an integer of that dtype's range.
 */
export function intText(v: unknown, dtype: "int32" | "int64"): string | null {
  let b: bigint;
  if (typeof v === "number") {
    if (!Number.isSafeInteger(v)) return null;
    b = BigInt(v);
  } else if (typeof v === "bigint") b = v;
  else if (typeof v === "string" && v.length <= 40 && INT_TEXT.test(v)) b = BigInt(v);
  else return null;
  const [lo, hi] = dtype === "int32" ? [INT32_MIN, INT32_MAX] : [INT64_MIN, INT64_MAX];
  return b < lo || b > hi ? null : b.toString();
}
