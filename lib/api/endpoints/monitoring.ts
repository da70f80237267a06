// Monitoring (docs/monitoring.md): the project's health report, data-quality results of a job and
// of a view, a version's drift over time, and the alert targets with their delivery log.
import "server-only";
import { z } from "zod";
import { endpoint, type Endpoint } from "../endpoint";
import { HealthReport } from "../../monitoring/health-schema";
import { ALERT_EVENT_NAMES, AlertDeliveryOut, AlertTargetOut, DriftPointOut, QualityResultOut } from "../../monitoring/monitoring-schema";
import { NAME_PATTERN } from "../../registry/repo-schema";
import { VersionParams } from "./registry";
import { PartitionsQuery } from "./stats";

const ProjectParams = z.object({ project: z.string().min(1) });
const ViewParams = ProjectParams.extend({ view: z.string().min(1) });

export const getHealthReport = endpoint({
  id: "getHealthReport",
  method: "GET",
  path: "/api/v1/projects/{project}/health-report",
  permission: "catalog.read",
  summary:
    "The project's health now: failing jobs, stale views, failing data-quality rules, drifting features and training/serving skew, each with a link to its evidence, and every view's state (fresh, stale, failing, unknown). Evidence of restricted views is null for callers not granted them.",
  tags: ["monitoring"],
  params: ProjectParams,
  response: HealthReport,
});

export const getJobQuality = endpoint({
  id: "getJobQuality",
  method: "GET",
  path: "/api/v1/projects/{project}/jobs/{jobId}/quality",
  permission: "jobs.read",
  summary: "Data-quality rule results recorded by one materialization job, per partition (observed figures hidden for restricted views you are not granted).",
  tags: ["monitoring"],
  params: ProjectParams.extend({ jobId: z.string().min(1).max(64) }),
  response: z.object({ jobId: z.string(), items: z.array(QualityResultOut) }),
});

export const getViewQuality = endpoint({
  id: "getViewQuality",
  method: "GET",
  path: "/api/v1/projects/{project}/feature-views/{view}/quality",
  permission: "catalog.read",
  summary: "Data-quality rule results of the latest checked materialization of the view's latest version.",
  tags: ["monitoring"],
  params: ViewParams,
  response: z.object({ view: z.string(), version: z.number().nullable(), jobId: z.string().nullable(), items: z.array(QualityResultOut) }),
});

export const getVersionDrift = endpoint({
  id: "getVersionDrift",
  method: "GET",
  path: "/api/v1/projects/{project}/feature-views/{view}/versions/{version}/drift",
  permission: "catalog.read",
  summary: "PSI per feature and partition against the configured reference, oldest first. Restricted views: only for members granted the view.",
  tags: ["monitoring"],
  params: VersionParams,
  query: PartitionsQuery,
  response: z.object({ view: z.string(), version: z.number(), items: z.array(DriftPointOut) }),
});

export const listAlertTargets = endpoint({
  id: "listAlertTargets",
  method: "GET",
  path: "/api/v1/projects/{project}/alert-targets",
  permission: "alerts.manage",
  summary: "Where the project's monitoring alerts go: e-mail addresses and webhooks.",
  tags: ["monitoring"],
  params: ProjectParams,
  response: z.object({ items: z.array(AlertTargetOut) }),
});

export const CreateAlertTargetBody = z
  .object({
    channel: z.enum(["email", "webhook"]),
    address: z.string().trim().min(1).max(2000),
    view: z.string().regex(NAME_PATTERN, "must be a feature view name").optional().meta({ description: "Only this view's alerts (default: the whole project)." }),
    secret: z.string().min(16, "use at least 16 characters").max(256).optional().meta({ description: "Webhooks: HMAC-SHA256 key; each call carries X-Larder-Signature: sha256=hex(HMAC(secret, timestamp + '.' + body)) and X-Larder-Timestamp." }),
    events: z.array(z.enum(ALERT_EVENT_NAMES)).max(ALERT_EVENT_NAMES.length).default([]).meta({ description: "Events to deliver (empty: all)." }),
  })
  .strict()
  .superRefine((b, ctx) => {
    if (b.channel === "email" && !z.email().safeParse(b.address).success) ctx.addIssue({ code: "custom", path: ["address"], message: "must be an e-mail address" });
    if (b.channel === "webhook") {
      let ok = false;
      try {
        const u = new URL(b.address);
        ok = (u.protocol === "https:" || u.protocol === "http:") && !u.username && !u.password;
      } catch {
        ok = false;
      }
      if (!ok) ctx.addIssue({ code: "custom", path: ["address"], message: "must be an http(s) URL without credentials, e.g. https://hooks.example.com/larder" });
    }
  });

export const createAlertTarget = endpoint({
  id: "createAlertTarget",
  method: "POST",
  path: "/api/v1/projects/{project}/alert-targets",
  permission: "alerts.manage",
  summary: "Adds an alert target: any e-mail address, or a webhook (Slack-compatible JSON, HMAC-signed when a secret is given, retried with backoff).",
  tags: ["monitoring"],
  params: ProjectParams,
  body: CreateAlertTargetBody,
  response: AlertTargetOut,
  successStatus: 201,
});

export const deleteAlertTarget = endpoint({
  id: "deleteAlertTarget",
  method: "DELETE",
  path: "/api/v1/projects/{project}/alert-targets/{targetId}",
  permission: "alerts.manage",
  summary: "Removes an alert target (its delivery log goes with it).",
  tags: ["monitoring"],
  params: ProjectParams.extend({ targetId: z.string().min(1).max(64) }),
  successStatus: 204,
});

export const listAlertDeliveries = endpoint({
  id: "listAlertDeliveries",
  method: "GET",
  path: "/api/v1/projects/{project}/alert-deliveries",
  permission: "alerts.manage",
  summary: "The delivery log of alerts (newest first): status, attempts, HTTP status and last error.",
  tags: ["monitoring"],
  params: ProjectParams,
  query: z
    .object({
      target: z.string().min(1).max(64).optional().meta({ description: "Only this target's deliveries." }),
      limit: z.coerce.number().int().min(1).max(500).default(100),
    })
    .strict(),
  response: z.object({ items: z.array(AlertDeliveryOut) }),
});

export const monitoringEndpoints: Endpoint[] = [getHealthReport, getJobQuality, getViewQuality, getVersionDrift, listAlertTargets, createAlertTarget, deleteAlertTarget, listAlertDeliveries];
