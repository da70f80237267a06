// Materialization's quality pass over the rows just written (docs/monitoring.md): statistics of
// row and aggregation features from the same scan, the data-quality rules' counts beside them, and
// the rules' verdict. Runs before the commit: a rule with on_fail: fail throws here, so nothing is
// written to either store.
import "server-only";
import type { DuckDBConnection } from "@duckdb/node-api";
import { computePartitionStats, type FeatureStat } from "../quality/compute-stats";
import { evaluateRules, hasRules, mergeCounts, NO_RULES, ruleAggregates, ruleQueries, runRulePass, storeRuleResults, type RuleResult } from "../quality/rules";
import { jobLog, logFailure } from "../config/log";
import { AGG_ASOF_TABLE, aggregateAsOfTable } from "./aggregate-stats";
import { MaterializationError, causeText, type MaterializeStep } from "./errors";
import type { ViewSpec } from "./view-spec";

export interface QualityPass {
  stats: FeatureStat[];
  /** Empty without rules; none failed with on_fail: fail (that throws). */
  ruleResults: RuleResult[];
}

/** Statistics and rule results of `dates`' partitions of table `rows` (files: the partitions' work files). */
export async function qualityPass(
  conn: DuckDBConnection,
  spec: ViewSpec,
  dates: string[],
  partitionFiles: Map<string, string>,
  jobId: string,
  log: (line: string) => Promise<void>,
): Promise<QualityPass> {
  const fail = (step: MaterializeStep, m: string, cause?: unknown) => new MaterializationError(spec.viewName, step, m, { cause });
  const checkRules = hasRules(spec.monitoring);
  const rulePass = new Map<string, Record<string, number>>();
  let stats: FeatureStat[] = [];
  let ruleResults: RuleResult[] = [];
  try {
    // Min/max from the footers of the files just written; samples picked by row identity.
    // Data-quality rules need a few counts beyond the statistics: the additive ones are computed
    // in the statistics pass over the same rows, repeated values (unique) by one more query.
    const rowRules = checkRules ? ruleAggregates(spec.rowFeatures, spec.monitoring, { joinKeys: spec.joinKeys.map((k) => k.name) }) : NO_RULES;
    const inPass = spec.rowFeatures.length > 0;
    stats = await computePartitionStats(conn, "rows", spec.rowFeatures, dates, {
      files: partitionFiles,
      sampleKey: [...spec.joinKeys.map((k) => k.name), "event_timestamp", "created_timestamp"],
      ...(inPass ? { counts: rowRules.additive, countsOut: rulePass } : {}),
    });
    mergeCounts(rulePass, await runRulePass(conn, ruleQueries("rows", rowRules, dates, !inPass)));
    // Aggregation features: their values per entity as of each day's end (aggregate-stats.ts).
    const aggFeatures = await aggregateAsOfTable(conn, spec, dates);
    if (aggFeatures.length) {
      const aggRules = checkRules ? ruleAggregates(aggFeatures, spec.monitoring) : NO_RULES;
      const aggCounts = new Map<string, Record<string, number>>();
      stats.push(...(await computePartitionStats(conn, AGG_ASOF_TABLE, aggFeatures, dates, { sampleKey: [...spec.joinKeys.map((k) => k.name), "event_timestamp"], counts: aggRules.additive, countsOut: aggCounts })));
      mergeCounts(rulePass, aggCounts);
      mergeCounts(rulePass, await runRulePass(conn, ruleQueries(AGG_ASOF_TABLE, aggRules, dates)));
      await conn.run(`DROP TABLE IF EXISTS ${AGG_ASOF_TABLE}`);
    }
  } catch (e) {
    throw fail("stats", causeText(e), e);
  }
  await log(`computed statistics of ${spec.rowFeatures.length + spec.aggregations.length} feature(s) × ${dates.length} partition(s)`);
  if (checkRules) {
    ruleResults = evaluateRules(spec.monitoring, dates, stats, rulePass);
    const failed = ruleResults.filter((r) => r.status === "fail");
    const warned = ruleResults.filter((r) => r.status === "warn");
    await log(`data-quality rules: ${ruleResults.length - failed.length - warned.length} passed, ${warned.length} warned, ${failed.length} failed`);
    if (failed.length) {
      // Nothing is written: the results are kept for the job page, the stores stay as they were.
      await storeRuleResults(spec.versionId, jobId, ruleResults).catch(logFailure(jobLog(jobId), "storing the failed rule results"));
      throw fail("quality", `${failed.length} data-quality rule(s) with on_fail: fail violated: ${failed.slice(0, 3).map((r) => `${r.partition} ${failedRuleText(r)}`).join("; ")}${failed.length > 3 ? "; …" : ""}`);
    }
  }
  return { stats, ruleResults };
}

/**
 * A failed rule in the job's error, which every reader of jobs sees: counts stay, but a min or max
 * rule's observed figure is a feature value, so it is left to the quality results (hidden for
 * restricted views, lib/monitoring/monitoring-reads.ts).
 */
function failedRuleText(r: RuleResult): string {
  if (r.rule === "min" || r.rule === "max") return `${r.feature}: ${r.rule} rule failed; expected ${r.expected}`;
  return r.message;
}

