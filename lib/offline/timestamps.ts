// Times in requests (entity tables, pushed rows): ISO 8601 strings (a zone offset is converted to
// UTC; no zone means UTC, never the server's local zone) or epoch milliseconds.
import "server-only";
const HAS_ZONE = /(Z|[+-]\d{2}(:?\d{2})?)$/i;
const ISO_LIKE = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?/;

/** Epoch ms of an accepted time value, or null if it is not one. */
export function parseTimestampMs(v: unknown): number | null {
  if (typeof v === "number") return Number.isFinite(v) ? Math.trunc(v) : null;
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? null : v.getTime();
  if (typeof v !== "string") return null;
  const s = v.trim();
  if (!ISO_LIKE.test(s)) return null;
  let iso = s.replace(" ", "T");
  if (!iso.includes("T")) iso += "T00:00:00";
  if (!HAS_ZONE.test(iso)) iso += "Z";
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? null : ms;
}

/** UTC date partition (YYYY-MM-DD) of an epoch ms time. */
export function utcDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}
