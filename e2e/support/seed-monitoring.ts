// Monitoring data for the e2e run (called by seed.ts): distributions on the seeded statistics
// (quantiles for amount, top values for is_large), drift of customer_spend:amount over the five
// partitions (the last one above its threshold) and a failing data-quality result, so the
// overview's health panel and the feature page's charts have something to show.
import { db } from "../../lib/db/client";

export async function seedMonitoring(versionId: string): Promise<void> {
  const quantiles = Array.from({ length: 101 }, (_, k) => Math.round(1000 * (k / 100) ** 2 * 100) / 100);
  await db().featureStatistic.updateMany({ where: { versionId, featureName: "amount" }, data: { quantiles } });
  await db().featureStatistic.updateMany({ where: { versionId, featureName: "is_large" }, data: { topValues: [{ value: "false", count: 700 }, { value: "true", count: 300 }], histogram: [] } });
  const psis = [0.02, 0.05, 0.03, 0.31];
  for (const [k, psi] of psis.entries()) {
    await db().driftResult.create({
      data: { versionId, featureName: "amount", partition: `date=2025-01-0${k + 2}`, reference: `date=2025-01-0${k + 1}`, psi, threshold: 0.2, drifting: psi > 0.2 },
    });
  }
  await db().qualityResult.createMany({
    data: [
      { versionId, partition: "date=2025-01-05", rule: "not_null", feature: "amount", status: "fail", onFail: "fail", observed: 0.1, expected: "no nulls", message: "amount: 100 null(s) (10%); expected no nulls" },
      { versionId, partition: "date=2025-01-05", rule: "row_count", feature: null, status: "pass", onFail: "warn", observed: 1040, expected: "≥ 100 rows", message: "1040 rows" },
    ],
  });
}
