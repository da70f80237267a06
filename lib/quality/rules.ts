// Data-quality rules (issue 16, docs/monitoring.md): declared per view in the repo's `monitoring`
// block, checked at materialization on every written date partition, from the statistics pass plus
// one extra grouped aggregate over the same rows for what statistics do not give (values outside
// allowed_values, duplicates, late rows). Pure evaluation here; materialize-window.ts runs the SQL
// before anything is written and fails the job (stores untouched) when a `fail` rule is violated.
import "server-only";
import type { DuckDBConnection } from "@duckdb/node-api";
import { db } from "../db/client";
import { qid, qlit } from "../duckdb/instance";
import type { FeatureRules, MonitoringConfig, OnFail } from "../registry/monitoring-config";
import { isNumericDtype } from "../shared/dtypes";
import type { FeatureStat } from "./compute-stats";
import { partitionName } from "../shared/offline-layout";

export type RuleName = "not_null" | "max_null_fraction" | "min" | "max" | "allowed_values" | "unique" | "unique_keys" | "row_count" | "late_rows";

export interface RuleResult {
  /** `date=YYYY-MM-DD` */
  partition: string;
  rule: RuleName;
  feature: string | null;
  status: "pass" | "warn" | "fail";
  onFail: OnFail;
  observed: number | null;
  expected: string;
  message: string;
}

type Feature = { name: string; dtype: string };

/** Whether the config declares any rule (no rules: no extra pass, nothing stored). */
export function hasRules(c: MonitoringConfig): boolean {
  return !!(c.rowCount || c.lateRows || c.uniqueKeys || Object.keys(c.features).length);
}

/** A SQL literal list of allowed values typed like the feature (numbers and bools unquoted). */
function allowedList(f: Feature, values: string[]): string {
  if (isNumericDtype(f.dtype)) return values.map((v) => (Number.isFinite(Number(v)) ? `${Number(v)}` : "NULL")).join(", ");
  if (f.dtype === "bool") return values.map((v) => (v === "true" ? "true" : v === "false" ? "false" : "NULL")).join(", ");
  return values.map(qlit).join(", ");
}

/**
 * The per-date counts the rules of `features` (and, with `view`, the view rules) need beyond the
 * statistics: `additive` ones (count … FILTER) ride along in the statistics pass over the rows
 * (computePartitionStats `counts`); `distinct` ones (repeated values) need their own grouped query
 * (ruleQuery). Names: bad_<feature>, dup_<feature>, dup_keys, late, rows, with_created.
 */
export interface RuleAggregates {
  additive: Record<string, string>;
  distinct: Record<string, string>;
  /** allowed_values lists longer than IN_LIST_MAX: counted by an anti join each (an IN list of 200 costs 0.5 s per 10M rows, the join 0.04 s). */
  allowedJoins: { name: string; column: string; values: string }[];
}

/** Allowed values up to this many are an IN list in the statistics pass; longer lists an anti join. */
export const IN_LIST_MAX = 8;

export const NO_RULES: RuleAggregates = { additive: {}, distinct: {}, allowedJoins: [] };

export function ruleAggregates(features: Feature[], config: MonitoringConfig, view?: { joinKeys: string[] }): RuleAggregates {
  const additive: Record<string, string> = {};
  const distinct: Record<string, string> = {};
  const allowedJoins: RuleAggregates["allowedJoins"] = [];
  for (const f of features) {
    const r = config.features[f.name];
    if (!r) continue;
    if (r.allowedValues && r.allowedValues.length > IN_LIST_MAX) allowedJoins.push({ name: `bad_${f.name}`, column: f.name, values: allowedList(f, r.allowedValues) });
    else if (r.allowedValues) additive[`bad_${f.name}`] = `count(*) FILTER (WHERE ${qid(f.name)} IS NOT NULL AND ${qid(f.name)} NOT IN (${allowedList(f, r.allowedValues)}))`;
    if (r.unique) distinct[`dup_${f.name}`] = `count(${qid(f.name)}) - count(DISTINCT ${qid(f.name)})`;
  }
  if (view && (config.rowCount || config.lateRows)) additive.rows = "count(*)";
  if (view && config.uniqueKeys) {
    const s = [...view.joinKeys, "event_timestamp"].map((k) => `${qid(k)} := ${qid(k)}`).join(", ");
    distinct.dup_keys = `count(*) - count(DISTINCT struct_pack(${s}))`;
  }
  if (view && config.lateRows) {
    additive.late = `count(*) FILTER (WHERE created_timestamp > event_timestamp + to_microseconds(${Math.round(config.lateRows.afterSeconds * 1e6)}::BIGINT))`;
    additive.with_created = "count(created_timestamp)";
  }
  return { additive, distinct, allowedJoins };
}

/** The queries a rule set needs besides the statistics pass (`withAdditive`: the additive counts too, when there is no such pass). */
export function ruleQueries(relation: string, a: RuleAggregates, dates: string[], withAdditive = false): string[] {
  const day = "CAST(event_timestamp AS DATE)";
  const inDates = `${day} IN (${dates.map((d) => `DATE '${d}'`).join(", ")})`;
  const grouped = ruleQuery(relation, withAdditive ? { ...a.additive, ...a.distinct } : a.distinct, dates);
  return [
    ...(grouped ? [grouped] : []),
    ...a.allowedJoins.map(
      (j) => `SELECT CAST(${day} AS VARCHAR) AS d, count(*) AS ${qid(j.name)} FROM ${relation} r
              ANTI JOIN (SELECT unnest([${j.values}]) AS v) a ON r.${qid(j.column)} = a.v
              WHERE r.${qid(j.column)} IS NOT NULL AND ${inDates} GROUP BY 1`,
    ),
  ];
}

/** One grouped query over `relation` computing `aggs` per date (null: nothing to compute). Columns: d, then the names. */
export function ruleQuery(relation: string, aggs: Record<string, string>, dates: string[]): string | null {
  const names = Object.keys(aggs);
  if (!names.length) return null;
  const day = "CAST(event_timestamp AS DATE)";
  return `SELECT CAST(${day} AS VARCHAR) AS d, ${names.map((n) => `${aggs[n]} AS ${qid(n)}`).join(", ")} FROM ${relation}
          WHERE ${day} IN (${dates.map((d) => `DATE '${d}'`).join(", ")}) GROUP BY 1`;
}

/** Adds `more` (date → name → count) into `into`. */
export function mergeCounts(into: Map<string, Record<string, number>>, more: Map<string, Record<string, number>>): void {
  for (const [d, c] of more) into.set(d, { ...into.get(d), ...c });
}

/** Runs rule queries: date → column → count (an anti join's dates without bad rows count 0). */
export async function runRulePass(conn: DuckDBConnection, sqls: string[]): Promise<Map<string, Record<string, number>>> {
  const out = new Map<string, Record<string, number>>();
  for (const sql of sqls) {
    for (const r of (await conn.runAndReadAll(sql)).getRowObjects()) {
      const row: Record<string, number> = out.get(String(r.d)) ?? {};
      for (const [k, v] of Object.entries(r)) if (k !== "d") row[k] = Number(v ?? 0);
      out.set(String(r.d), row);
    }
  }
  return out;
}

const fmt = (n: number) => (Number.isInteger(n) ? String(n) : n.toPrecision(6).replace(/\.?0+$/, ""));

/**
 * Evaluates every declared rule on every date: `stats` (this job's statistics of the rules'
 * features), `pass` (runRulePass of the row features, and of the aggregation features when they
 * have such rules). Dates without rows still get row_count results (0 rows).
 */
export function evaluateRules(config: MonitoringConfig, dates: string[], stats: FeatureStat[], pass: Map<string, Record<string, number>>): RuleResult[] {
  const out: RuleResult[] = [];
  const byKey = new Map(stats.map((s) => [`${s.featureName}|${s.partition}`, s]));
  for (const d of dates) {
    const partition = partitionName(d);
    const counts = pass.get(d) ?? {};
    const rows = counts.rows ?? 0;
    const add = (rule: RuleName, feature: string | null, onFail: OnFail, ok: boolean, observed: number | null, expected: string, what: string) =>
      out.push({ partition, rule, feature, status: ok ? "pass" : onFail, onFail, observed, expected, message: `${feature ? `${feature}: ` : ""}${what}${ok ? "" : `; expected ${expected}`}` });
    if (config.rowCount) {
      const { min, max, onFail } = config.rowCount;
      const ok = (min === undefined || rows >= min) && (max === undefined || rows <= max);
      add("row_count", null, onFail, ok, rows, [min !== undefined ? `≥ ${min}` : "", max !== undefined ? `≤ ${max}` : ""].filter(Boolean).join(" and ") + " rows", `${rows} rows`);
    }
    if (config.uniqueKeys && counts.dup_keys !== undefined) {
      add("unique_keys", null, config.uniqueKeys.onFail, counts.dup_keys === 0, counts.dup_keys, "0 duplicate (join keys, event_timestamp)", `${counts.dup_keys} duplicate key row(s)`);
    }
    if (config.lateRows && counts.late !== undefined) {
      const frac = rows ? counts.late / rows : 0;
      const noCreated = rows > 0 && counts.with_created === 0;
      add(
        "late_rows",
        null,
        config.lateRows.onFail,
        !noCreated && frac <= config.lateRows.maxFraction,
        noCreated ? null : frac,
        `≤ ${fmt(config.lateRows.maxFraction * 100)}% rows created more than ${config.lateRows.afterSeconds} s after their event time`,
        noCreated ? "no created timestamps to measure lateness (set the source's created_timestamp_field)" : `${counts.late} late row(s) (${fmt(frac * 100)}%)`,
      );
    }
    for (const [name, r] of Object.entries(config.features)) {
      const s = byKey.get(`${name}|${partition}`);
      if (!s) continue;
      featureResults(name, r, s, counts, add);
    }
  }
  return out;
}

function featureResults(
  name: string,
  r: FeatureRules,
  s: FeatureStat,
  counts: Record<string, number>,
  add: (rule: RuleName, feature: string | null, onFail: OnFail, ok: boolean, observed: number | null, expected: string, what: string) => void,
) {
  if (r.maxNullFraction !== undefined) {
    const rule = r.maxNullFraction === 0 ? "not_null" : "max_null_fraction";
    const nulls = Math.round(s.nullFraction * Number(s.rowCount));
    add(rule, name, r.onFail, s.nullFraction <= r.maxNullFraction, s.nullFraction, r.maxNullFraction === 0 ? "no nulls" : `null fraction ≤ ${fmt(r.maxNullFraction)}`, `${nulls} null(s) (${fmt(s.nullFraction * 100)}%)`);
  }
  if (r.min !== undefined && s.min !== null) add("min", name, r.onFail, s.min >= r.min, s.min, `min ≥ ${fmt(r.min)}`, `min ${fmt(s.min)}`);
  if (r.max !== undefined && s.max !== null) add("max", name, r.onFail, s.max <= r.max, s.max, `max ≤ ${fmt(r.max)}`, `max ${fmt(s.max)}`);
  // Anti-join counts (long lists) have no row for a date without bad values.
  const bad = counts[`bad_${name}`] ?? 0;
  if (r.allowedValues) add("allowed_values", name, r.onFail, bad === 0, bad, `values in [${r.allowedValues.join(", ")}]`, `${bad} value(s) outside the allowed set`);
  const dup = counts[`dup_${name}`];
  if (r.unique && dup !== undefined) add("unique", name, r.onFail, dup === 0, dup, "unique values", `${dup} repeated value(s)`);
}

/** Stores one job's results (replacing that job's earlier attempt's). */
export async function storeRuleResults(versionId: string, jobId: string, results: RuleResult[]): Promise<void> {
  await db().$transaction([
    db().qualityResult.deleteMany({ where: { jobId } }),
    db().qualityResult.createMany({ data: results.map((r) => ({ versionId, jobId, ...r })) }),
  ]);
}
