// Display helpers shared by console pages. Pure functions, unit-tested.

/** 2592000 → "30d", 3600 → "1h", 90 → "1m 30s", null → "none". */
export function formatSeconds(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined) return "none";
  if (seconds === 0) return "0s";
  const units: Array<[string, number]> = [["d", 86400], ["h", 3600], ["m", 60], ["s", 1]];
  const parts: string[] = [];
  let rest = Math.round(seconds);
  for (const [u, n] of units) {
    if (rest >= n) {
      parts.push(`${Math.floor(rest / n)}${u}`);
      rest %= n;
    }
    if (parts.length === 2) break;
  }
  return parts.join(" ");
}

/** Duration between two instants, e.g. "1m 12s", "850ms"; a running job measures up to now. */
export function formatDuration(start: string | Date | null | undefined, end: string | Date | null | undefined, now = Date.now()): string {
  if (!start) return "—";
  const ms = (end ? new Date(end).getTime() : now) - new Date(start).getTime();
  if (ms < 0) return "—";
  if (ms < 1000) return `${ms}ms`;
  return formatSeconds(ms / 1000);
}

/** "3 minutes ago", "in 2 hours". */
export function formatRelative(when: string | Date | null | undefined, now = Date.now()): string {
  if (!when) return "never";
  const diff = new Date(when).getTime() - now;
  const abs = Math.abs(diff);
  const steps: Array<[Intl.RelativeTimeFormatUnit, number]> = [["year", 31536e6], ["month", 2592e6], ["day", 864e5], ["hour", 36e5], ["minute", 6e4], ["second", 1e3]];
  const rtf = new Intl.RelativeTimeFormat("en", { numeric: "auto" });
  for (const [unit, ms] of steps) {
    if (abs >= ms || unit === "second") return rtf.format(Math.round(diff / ms), unit);
  }
  return "now";
}

export function formatDateTime(when: string | number | Date | null | undefined): string {
  if (!when) return "—";
  return new Date(when).toISOString().replace("T", " ").replace(/\.\d{3}Z$/, "Z");
}

// One formatter: `toLocaleString` builds a new Intl.NumberFormat per call (~0.1 ms in Chromium),
// which showed in the lineage page's first render (a count on every node).
const EN_US = new Intl.NumberFormat("en-US");

export function formatNumber(n: number | string | bigint | null | undefined): string {
  if (n === null || n === undefined) return "—";
  return EN_US.format(Number(n));
}

/** Compact numbers for charts and stats: 1234567 → "1.23M". */
export function formatCompact(n: number | null | undefined): string {
  if (n === null || n === undefined || Number.isNaN(n)) return "—";
  return Intl.NumberFormat("en-US", { notation: "compact", maximumFractionDigits: 2 }).format(n);
}

export function formatPercent(x: number | null | undefined, digits = 1): string {
  if (x === null || x === undefined) return "—";
  return `${(x * 100).toFixed(digits)}%`;
}

/** Freshness of a view: how stale its materialized data is relative to now. */
export function freshnessTone(materializedUntil: string | null | undefined, ttlSeconds: number | null | undefined, now = Date.now()): "success" | "warning" | "danger" | "muted" {
  if (!materializedUntil) return "muted";
  const age = (now - new Date(materializedUntil).getTime()) / 1000;
  const budget = ttlSeconds ?? 86400;
  if (age <= Math.min(budget, 86400)) return "success";
  if (age <= budget) return "warning";
  return "danger";
}

/** "1 gap", "3 gaps", "1,200 entities": a count with its noun, singular or plural. */
export function plural(count: number, one: string, many = `${one}s`): string {
  return `${EN_US.format(count)} ${count === 1 ? one : many}`;
}
