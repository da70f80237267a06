// storeFeatureStats writes every field with one INSERT … ON CONFLICT; a second call for the same
// (version, feature, partition) replaces the row (real Postgres, read back through Prisma).
import { describe, expect, it } from "vitest";
import { db } from "../db/client";
import { createTestVersion } from "../../test/support/materialize";
import { type FeatureStat } from "./compute-stats";
import { storeFeatureStats } from "./store-feature-stats";

const uid = `${Date.now().toString(36)}${process.pid}`;

describe("storeFeatureStats", () => {
  it("inserts, then upserts in place, every field as given", async () => {
    const { versionId } = await createTestVersion({
      projectName: `stats_${uid}`,
      viewName: "v",
      source: { name: "s", kind: "parquet", path: "/dev/null", timestamp_field: "ts", description: "", owner: "", tags: {} },
      joinKeys: [{ name: "id", dtype: "int64" }],
      features: [{ name: "amount", dtype: "float64" }, { name: "category", dtype: "string" }],
    });
    const first: FeatureStat[] = [
      { featureName: "amount", partition: "date=2024-05-01", rowCount: 12345678901n, nullFraction: 0.25, min: -1.5, max: 1e300, mean: 0.1, stddev: 2.5e-7, distinct: 42n, histogram: [{ lo: -1.5, hi: 1e300, count: 7 }], quantiles: [-1.5, 0.25, 1e300], topValues: null, approximate: ["distinct", "quantiles"] },
      { featureName: "category", partition: "date=2024-05-01", rowCount: 3n, nullFraction: 0, min: null, max: null, mean: null, stddev: null, distinct: null, histogram: null, quantiles: null, topValues: [{ value: "a,b", count: 2 }, { value: "", count: 1 }], approximate: [] },
    ];
    const before = Date.now();
    await storeFeatureStats(versionId, first, null);
    const read = async () => db().featureStatistic.findMany({ where: { versionId }, orderBy: { featureName: "asc" } });
    let rows = await read();
    expect(rows.map(({ id: _id, versionId: _v, computedAt: _c, ...r }) => r)).toEqual([
      { featureName: "amount", partition: "date=2024-05-01", rowCount: 12345678901n, nullFraction: 0.25, min: -1.5, max: 1e300, mean: 0.1, stddev: 2.5e-7, distinct: 42n, histogram: [{ lo: -1.5, hi: 1e300, count: 7 }], quantiles: [-1.5, 0.25, 1e300], topValues: null, approximate: ["distinct", "quantiles"], jobId: null },
      { featureName: "category", partition: "date=2024-05-01", rowCount: 3n, nullFraction: 0, min: null, max: null, mean: null, stddev: null, distinct: null, histogram: null, quantiles: null, topValues: [{ value: "a,b", count: 2 }, { value: "", count: 1 }], approximate: [], jobId: null },
    ]);
    // computedAt is the store time, read back as the same instant (UTC wall time in timestamp(3)).
    expect(Math.abs(rows[0].computedAt.getTime() - before)).toBeLessThan(60_000);
    const ids = rows.map((r) => r.id);

    await storeFeatureStats(versionId, [{ ...first[0], rowCount: 5n, distinct: null, histogram: [] }], "job-2");
    rows = await read();
    expect(rows.map((r) => r.id)).toEqual(ids);
    expect(rows[0]).toMatchObject({ rowCount: 5n, distinct: null, histogram: [], jobId: "job-2" });
    expect(rows[1]).toMatchObject({ rowCount: 3n, jobId: null });
  });
});
