// Test support: an independent, brute-force implementation of the time semantics (docs/materialization.md, "Time semantics") in
// plain loops over generated rows. No DuckDB, no SQL — the engine is checked against it.

export interface OracleRow {
  entity: string;
  /** Event time, epoch ms. */
  ts: number;
  /** Created time, epoch ms, or null (sorts before any created time). */
  created: number | null;
  values: Record<string, number | string | boolean | null>;
}

export type AggFunction = "sum" | "count" | "avg" | "min" | "max" | "stddev" | "last";

/** Row a is later than row b by (event time, created time). */
function later(a: OracleRow, b: OracleRow): boolean {
  if (a.ts !== b.ts) return a.ts > b.ts;
  return (a.created ?? -Infinity) > (b.created ?? -Infinity);
}

/** Latest row of an entity with ts ≤ t, only if its ts ≥ t − ttl (ttl null = no limit). */
export function latestRow(rows: OracleRow[], entity: string, t: number, ttlMs: number | null): OracleRow | null {
  let best: OracleRow | null = null;
  for (const r of rows) {
    if (r.entity !== entity || r.ts > t) continue;
    if (!best || later(r, best)) best = r;
  }
  if (!best) return null;
  if (ttlMs !== null && best.ts < t - ttlMs) return null;
  return best;
}

/** f over the entity's rows with ts in (t − w, t]; count 0 and the rest null when empty. */
export function aggregate(rows: OracleRow[], entity: string, t: number, windowMs: number, column: string, fn: AggFunction): number | string | boolean | null {
  const inWindow = rows.filter((r) => r.entity === entity && r.ts > t - windowMs && r.ts <= t);
  if (fn === "last") {
    let best: OracleRow | null = null;
    for (const r of inWindow) if (!best || later(r, best)) best = r;
    return best ? best.values[column] ?? null : null;
  }
  const vals = inWindow.map((r) => r.values[column]).filter((v) => v !== null && v !== undefined) as number[];
  if (fn === "count") return vals.length;
  if (!vals.length) return null;
  switch (fn) {
    case "sum":
      return vals.reduce((a, b) => a + b, 0);
    case "avg":
      return vals.reduce((a, b) => a + b, 0) / vals.length;
    case "min":
      return vals.reduce((a, b) => (b < a ? b : a));
    case "max":
      return vals.reduce((a, b) => (b > a ? b : a));
    case "stddev": {
      if (vals.length < 2) return null;
      const mean = vals.reduce((a, b) => a + b, 0) / vals.length;
      return Math.sqrt(vals.reduce((a, b) => a + (b - mean) ** 2, 0) / (vals.length - 1));
    }
  }
}

/** Entities with at least one row at or before t. */
export function entitiesUpTo(rows: OracleRow[], t: number): string[] {
  return [...new Set(rows.filter((r) => r.ts <= t).map((r) => r.entity))].sort();
}

/** Deterministic PRNG (mulberry32) so generated data is reproducible from a seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface GeneratedData {
  rows: OracleRow[];
  /** Times chosen so rows sit exactly on window and ttl edges. */
  edges: { end: number; windowsMs: number[]; ttlMs: number };
}

/**
 * Rows for `entities` entities over `days` days from `t0`, with: ties on event time broken by
 * created time, exact window/ttl edge rows relative to `end`, null values, late rows (created long
 * after the event), gaps, and entities whose rows all lie long before `end`.
 */
export function generateRows(opts: { seed: number; t0: number; days: number; entities: number; end: number; windowsMs: number[]; ttlMs: number }): GeneratedData {
  const rnd = seededRandom(opts.seed);
  const rows: OracleRow[] = [];
  const cats = ["a", "b", "c", "d"];
  const value = () => (rnd() < 0.08 ? null : Math.round(rnd() * 10000) / 100);
  const mk = (entity: string, ts: number, created: number | null): OracleRow => {
    const amount = value();
    return { entity, ts, created, values: { amount, category: cats[Math.floor(rnd() * cats.length)], is_large: amount === null ? null : amount > 50 } };
  };
  const span = opts.days * 86_400_000;
  for (let e = 1; e <= opts.entities; e++) {
    const entity = String(e);
    const kind = e % 10;
    // kind 0: old-only entities (rows only in the first day); kind 1: gap entities (one burst).
    const n = kind === 0 ? 3 : kind === 1 ? 4 : 5 + Math.floor(rnd() * 15);
    for (let i = 0; i < n; i++) {
      let ts: number;
      if (kind === 0) ts = opts.t0 + Math.floor(rnd() * 86_400) * 1000;
      else if (kind === 1) ts = opts.t0 + span / 2 + Math.floor(rnd() * 3600) * 1000;
      else ts = opts.t0 + Math.floor(rnd() * (span / 1000)) * 1000;
      const late = rnd() < 0.1;
      rows.push(mk(entity, ts, late ? ts + 86_400_000 * 2 : rnd() < 0.2 ? null : ts + Math.floor(rnd() * 60_000)));
    }
    // Ties on event time: same ts, different created; the later created must win.
    if (kind === 2 || kind === 3) {
      const ts = opts.end - Math.floor(rnd() * 3600) * 1000;
      rows.push(mk(entity, ts, ts + 1000));
      rows.push(mk(entity, ts, ts + 5000));
      rows.push(mk(entity, ts, ts + 3000));
    }
    // Exact edges relative to end.
    if (kind === 4) for (const w of opts.windowsMs) rows.push(mk(entity, opts.end - w, opts.end - w));
    if (kind === 5) rows.push(mk(entity, opts.end, opts.end));
    if (kind === 6) rows.push(mk(entity, opts.end - opts.ttlMs, null));
    if (kind === 7) rows.push(mk(entity, opts.end - opts.ttlMs - 1000, null));
  }
  // Ties must be decidable: within one (entity, ts) group keep rows with distinct, non-null created.
  const groups = new Map<string, OracleRow[]>();
  for (const r of rows) {
    const k = `${r.entity}|${r.ts}`;
    groups.set(k, [...(groups.get(k) ?? []), r]);
  }
  const unique: OracleRow[] = [];
  for (const g of groups.values()) {
    if (g.length === 1) {
      unique.push(g[0]);
      continue;
    }
    const seen = new Set<number>();
    for (const r of g) {
      if (r.created === null || seen.has(r.created)) continue;
      seen.add(r.created);
      unique.push(r);
    }
  }
  return { rows: unique, edges: { end: opts.end, windowsMs: opts.windowsMs, ttlMs: opts.ttlMs } };
}
