// The health report's shape (GET …/health-report, the overview, `larder status`).
import "server-only";
import { z } from "zod";

export const VIEW_STATES = ["fresh", "stale", "failing", "unknown"] as const;
export const ViewState = z.enum(VIEW_STATES);
export type ViewState = z.infer<typeof ViewState>;

export const HealthItem = z
  .object({
    kind: z.enum(["job_failed", "stale", "rule_failed", "drift", "skew"]),
    view: z.string().nullable(),
    feature: z.string().nullable(),
    summary: z.string(),
    /** Console path of the evidence. */
    href: z.string(),
    /** Firing since (when the monitor first saw it; now when it has not run yet). */
    since: z.string(),
    severity: z.enum(["failing", "warning"]),
    /** Details; null for restricted views the caller may not read. */
    evidence: z.record(z.string(), z.unknown()).nullable(),
  })
  .meta({ id: "HealthItem" });
export type HealthItem = z.infer<typeof HealthItem>;

export const HealthReport = z
  .object({
    project: z.string(),
    generatedAt: z.string(),
    status: z.enum(["healthy", "warning", "failing"]),
    counts: z.object({ failingJobs: z.number(), staleViews: z.number(), failingRules: z.number(), driftingFeatures: z.number(), skew: z.number() }),
    failingJobs: z.array(HealthItem),
    staleViews: z.array(HealthItem),
    failingRules: z.array(HealthItem),
    driftingFeatures: z.array(HealthItem),
    skew: z.array(HealthItem),
    views: z.array(z.object({ name: z.string(), state: ViewState, href: z.string() })),
  })
  .meta({ id: "HealthReport" });
export type HealthReport = z.infer<typeof HealthReport>;
