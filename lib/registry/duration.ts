// Durations in definitions: `30s`, `15m`, `1h`, `7d`, `2w`.
import "server-only";
const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 };
export const DURATION_PATTERN = /^([1-9][0-9]*)(s|m|h|d|w)$/;

/** Seconds in a duration string, or null if it is not one. */
export function parseDuration(s: string): number | null {
  const m = DURATION_PATTERN.exec(s.trim());
  if (!m) return null;
  const n = Number(m[1]) * UNITS[m[2]];
  return Number.isSafeInteger(n) ? n : null;
}

/** The shortest exact string for a number of seconds (86400 → `1d`). */
export function formatDuration(seconds: number): string {
  for (const [u, n] of [["w", 604800], ["d", 86400], ["h", 3600], ["m", 60]] as const) {
    if (seconds % n === 0) return `${seconds / n}${u}`;
  }
  return `${seconds}s`;
}
