// The shape of a job in the API (no server-only: the console and the CLI type against it too).
import "server-only";
import { z } from "zod";

export const JOB_KINDS = ["materialize", "materialize_incremental", "backfill", "stats", "historical"] as const;
export const JOB_STATUSES = ["queued", "running", "succeeded", "failed", "retrying", "cancelled"] as const;

export const JobJson = z.object({
  id: z.string(),
  kind: z.enum(JOB_KINDS),
  project: z.string(),
  featureView: z.string().nullable(),
  version: z.number().int().nullable(),
  windowStart: z.string().nullable(),
  windowEnd: z.string().nullable(),
  status: z.enum(JOB_STATUSES),
  progress: z.number(),
  rowsRead: z.number(),
  rowsWrittenOffline: z.number(),
  rowsWrittenOnline: z.number(),
  attempts: z.number().int(),
  maxAttempts: z.number().int(),
  error: z.string().nullable(),
  errorStep: z.string().nullable(),
  params: z.record(z.string(), z.unknown()),
  result: z.unknown().nullable().meta({
    description: "Kind-specific outcome. A historical job: `{rows, url}` (the download path of its result), plus `expiredAt` and `ttlHours` once retention deleted its result file.",
  }),
  triggeredBy: z.string().meta({ description: "Who started it, as recorded: a user's e-mail, `token:<id> (<creator e-mail>)`, `schedule:<view>`, `backfill:<parent id>`, …" }),
  triggeredByLabel: z.string().meta({ description: "The same for people: an API token by its name instead of its id." }),
  parentId: z.string().nullable(),
  retryOf: z.string().nullable(),
  cancelRequested: z.boolean(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  updatedAt: z.string(),
  durationMs: z.number().nullable(),
  childCount: z.number().int().optional(),
});
export type JobJson = z.infer<typeof JobJson>;

export const JobLogJson = z.object({ at: z.string(), level: z.string(), message: z.string() });

