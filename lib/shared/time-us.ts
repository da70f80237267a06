// Times at microsecond precision (docs/retrieval.md, "Values on the wire"). Date only knows
// milliseconds, so times that come in (pushed rows, entity tables, join keys) are parsed here into
// epoch microseconds as BigInt, and stored times are printed from them. The representable range is
// that of ISO 8601 with a four-digit year, which Parquet, DuckDB and every client can hold:
// 0001-01-01T00:00:00Z … 9999-12-31T23:59:59.999999Z. Anything outside is refused, never clamped.

export const MIN_TIME_US = -62135596800000000n; // 0001-01-01T00:00:00Z
export const MAX_TIME_US = 253402300799999999n; // 9999-12-31T23:59:59.999999Z
export const TIME_RANGE_TEXT = "0001-01-01T00:00:00Z … 9999-12-31T23:59:59.999999Z";

const US_PER_DAY = 86_400_000_000n;

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
export function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/**
 * The civil date of a day number (days since 1970-01-01) packed as y·10000 + m·100 + d, so the
 * online answer's byte writer formats times without allocating (H. Hinnant's civil_from_days).
 */
export function civilPacked(days: number): number {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return (yoe + era * 400 + (m <= 2 ? 1 : 0)) * 10000 + m * 100 + d;
}

/** The civil date of a day number (days since 1970-01-01). */
export function civilFromDays(days: number): { y: number; m: number; d: number } {
  const p = civilPacked(days);
  return { y: Math.floor(p / 10000), m: Math.floor(p / 100) % 100, d: p % 100 };
}

function daysInMonth(y: number, m: number): number {
  if (m === 2) return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(m) ? 30 : 31;
}

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(?:([Zz])|([+-])(\d{2})(?::?(\d{2}))?)?$/;

export type TimeParse = { us: bigint } | { error: string };

/**
 * An ISO 8601 time (`2024-05-13T10:59:42.557058Z`, a space instead of T, a zone offset converted
 * to UTC, no zone = UTC, a date alone = its midnight) as epoch µs. Fractions finer than a
 * microsecond are refused unless their extra digits are zeros.
 */
export function parseIsoUs(text: string): TimeParse {
  const m = ISO.exec(text.trim());
  if (!m) return { error: 'not an ISO 8601 time ("2024-05-13T10:59:42Z", "2024-05-13 10:59:42.123456+02:00")' };
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  const h = m[4] === undefined ? 0 : Number(m[4]);
  const mi = m[5] === undefined ? 0 : Number(m[5]);
  const s = m[6] === undefined ? 0 : Number(m[6]);
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo)) return { error: `${m[1]}-${m[2]}-${m[3]} is not a calendar date` };
  if (h > 23 || mi > 59 || s > 59) return { error: "the time of day is out of range (00:00:00 … 23:59:59)" };
  const frac = (m[7] ?? "").padEnd(9, "0");
  if (frac.slice(6) !== "000") return { error: "it is finer than a microsecond; Larder keeps times to the microsecond" };
  let offsetMin = 0;
  if (m[9] !== undefined) {
    const oh = Number(m[10]);
    const om = m[11] === undefined ? 0 : Number(m[11]);
    if (oh > 23 || om > 59) return { error: "the zone offset is out of range" };
    offsetMin = (m[9] === "-" ? -1 : 1) * (oh * 60 + om);
  }
  const secOfDay = h * 3600 + mi * 60 + s - offsetMin * 60;
  const us = BigInt(daysFromCivil(y, mo, d)) * US_PER_DAY + BigInt(secOfDay) * 1_000_000n + BigInt(frac.slice(0, 6));
  return inRange(us);
}

function inRange(us: bigint): TimeParse {
  return us < MIN_TIME_US || us > MAX_TIME_US ? { error: `it is outside the representable range ${TIME_RANGE_TEXT}` } : { us };
}

const DECIMAL = /^(-?)(\d+)(?:\.(\d+))?$/;

/**
 * A number of `unit` units since the epoch (1000 = milliseconds, 1 = seconds; fractions down to the
 * microsecond) as epoch µs. A JS number is read by its shortest decimal form, so numbers are exact
 * to the microsecond while |µs| < 2^53 (until the year 2255); send ISO strings beyond that.
 */
export function parseEpochUs(v: number | bigint | string, unit: "s" | "ms"): TimeParse {
  const scale = unit === "s" ? 6 : 3;
  let text: string;
  if (typeof v === "bigint") text = v.toString();
  else if (typeof v === "number") {
    if (!Number.isFinite(v)) return { error: "it is not a finite number" };
    if (Math.abs(v) >= 1e21) return inRange(BigInt(Math.sign(v)) * MAX_TIME_US * 2n);
    text = String(v);
    if (/e/i.test(text)) text = v.toFixed(20).replace(/0+$/, "").replace(/\.$/, "");
  } else text = v.trim();
  const m = DECIMAL.exec(text);
  if (!m) return { error: `not a number of ${unit === "s" ? "seconds" : "milliseconds"} since 1970-01-01T00:00:00Z` };
  const frac = (m[3] ?? "").replace(/0+$/, "");
  if (frac.length > scale) return { error: "it is finer than a microsecond; Larder keeps times to the microsecond" };
  const mag = BigInt(m[2]) * 10n ** BigInt(scale) + BigInt(frac.padEnd(scale, "0") || "0");
  return inRange(m[1] === "-" ? -mag : mag);
}

function pad(n: number, w: number): string {
  return String(n).padStart(w, "0");
}

/**
 * ISO 8601 UTC text of epoch µs, with Feast's adaptive fraction: none for whole seconds, three
 * digits for whole milliseconds, else six (`2024-01-02T03:04:05Z`, `….557Z`, `….557058Z`).
 */
export function isoFromUs(us: bigint | number): string {
  const b = typeof us === "bigint" ? us : BigInt(us);
  let days = b / US_PER_DAY;
  let rest = b % US_PER_DAY;
  if (rest < 0n) {
    rest += US_PER_DAY;
    days -= 1n;
  }
  const { y, m, d } = civilFromDays(Number(days));
  const r = Number(rest);
  const sec = Math.floor(r / 1_000_000);
  const frac = r - sec * 1_000_000;
  const base = `${pad(y, 4)}-${pad(m, 2)}-${pad(d, 2)}T${pad(Math.floor(sec / 3600), 2)}:${pad(Math.floor(sec / 60) % 60, 2)}:${pad(sec % 60, 2)}`;
  if (frac === 0) return `${base}Z`;
  if (frac % 1000 === 0) return `${base}.${pad(frac / 1000, 3)}Z`;
  return `${base}.${pad(frac, 6)}Z`;
}

/** Epoch seconds of epoch µs as a JSON number: digits, and a fraction (trailing zeros dropped) only when there is one. */
export function secondsTextFromUs(us: bigint): string {
  const neg = us < 0n;
  const a = neg ? -us : us;
  const whole = a / 1_000_000n;
  const frac = a % 1_000_000n;
  const f = frac === 0n ? "" : `.${frac.toString().padStart(6, "0").replace(/0+$/, "")}`;
  return `${neg ? "-" : ""}${whole}${f}`;
}

/** Epoch µs of a JS Date (whole milliseconds). */
export function usOfDate(d: Date): bigint {
  return BigInt(d.getTime()) * 1000n;
}
