// Shapes of the monitoring reads (quality results, drift points, alert targets and deliveries).
import "server-only";
import { z } from "zod";

export const QualityResultOut = z
  .object({
    /** YYYY-MM-DD */
    partition: z.string(),
    rule: z.string(),
    feature: z.string().nullable(),
    status: z.enum(["pass", "warn", "fail"]),
    onFail: z.enum(["warn", "fail"]),
    /** Null for restricted views the caller may not read. */
    observed: z.number().nullable(),
    expected: z.string().nullable(),
    message: z.string(),
    jobId: z.string().nullable(),
    checkedAt: z.string(),
  })
  .meta({ id: "QualityResult" });
export type QualityResultOut = z.infer<typeof QualityResultOut>;

export const DriftPointOut = z
  .object({
    featureName: z.string(),
    /** YYYY-MM-DD */
    partition: z.string(),
    reference: z.string(),
    psi: z.number(),
    threshold: z.number(),
    drifting: z.boolean(),
    computedAt: z.string(),
  })
  .meta({ id: "DriftPoint" });
export type DriftPointOut = z.infer<typeof DriftPointOut>;

export const ALERT_EVENT_NAMES = ["job_failed", "job_recovered", "stale", "rule_failed", "drift", "skew"] as const;

export const AlertTargetOut = z
  .object({
    id: z.string(),
    viewName: z.string().nullable(),
    channel: z.enum(["email", "webhook"]),
    address: z.string(),
    /** Whether webhook calls are signed (the secret itself is never shown again). */
    signed: z.boolean(),
    events: z.array(z.enum(ALERT_EVENT_NAMES)),
    createdBy: z.string(),
    createdAt: z.string(),
  })
  .meta({ id: "AlertTarget" });
export type AlertTargetOut = z.infer<typeof AlertTargetOut>;

export const AlertDeliveryOut = z
  .object({
    id: z.string(),
    targetId: z.string(),
    channel: z.string(),
    address: z.string(),
    event: z.string(),
    subject: z.string(),
    status: z.enum(["pending", "sent", "failed"]),
    attempts: z.number(),
    responseStatus: z.number().nullable(),
    lastError: z.string().nullable(),
    createdAt: z.string(),
    sentAt: z.string().nullable(),
  })
  .meta({ id: "AlertDelivery" });
export type AlertDeliveryOut = z.infer<typeof AlertDeliveryOut>;
