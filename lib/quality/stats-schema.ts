// One feature's statistics in one date partition, as the API answers them (the stats endpoint and the
// console's charts).
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
    computedAt: z.string(),
  })
  .meta({ id: "FeatureStatistic" });
export type FeatureStatOut = z.infer<typeof FeatureStatOut>;
