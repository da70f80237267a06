// One feature's statistics in one date partition, as the API answers them (the stats endpoint and the
// console's charts).
import "server-only";
import { z } from "zod";

export const FeatureStatOut = z
  .object({
    featureName: z.string(),
    /** `date=YYYY-MM-DD` */
    partition: z.string(),
    rowCount: z.number(),
    nullFraction: z.number(),
    min: z.number().nullable(),
    max: z.number().nullable(),
    mean: z.number().nullable(),
    stddev: z.number().nullable(),
    distinct: z.number().nullable(),
    histogram: z.array(z.object({ lo: z.number(), hi: z.number(), count: z.number() })).nullable(),
    percentiles: z
      .object({ p1: z.number(), p5: z.number(), p25: z.number(), p50: z.number(), p75: z.number(), p95: z.number(), p99: z.number() })
      .nullable()
      .meta({ description: "Numeric features with finite values: interpolated percentiles (quantile_cont) of the finite values." }),
    topValues: z
      .array(z.object({ value: z.string(), count: z.number() }))
      .nullable()
      .meta({ description: "String and bool features: the most frequent values with their counts, most frequent first (bools as \"true\"/\"false\")." }),
    approximate: z
      .array(z.enum(["distinct", "histogram", "quantiles", "topValues"]))
      .meta({ description: "The figures of this row that are estimates (partition above the exact-size limits in docs/materialization.md); empty when all are exact." }),
    computedAt: z.string(),
  })
  .meta({ id: "FeatureStatistic" });
export type FeatureStatOut = z.infer<typeof FeatureStatOut>;
