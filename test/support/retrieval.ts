// Test support for retrieval tests: a project applied through the real apply use case, users and
// API tokens with given roles (rows written directly, as the admin API would), and helpers.
import { randomBytes } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import { historicalResultPath } from "../../lib/shared/offline-layout";
import { db } from "../../lib/db/client";
import type { Role } from "../../lib/db/generated/enums";
import { hashSecret, newApiToken } from "../../lib/auth/secrets";
import { applyRepo } from "../../lib/registry/apply-repo";
import type { RepoInput } from "../../lib/registry/repo-schema";
import { RepoDef } from "../../lib/registry/repo-schema";

export function uniqueName(prefix: string): string {
  return `${prefix}_${Date.now().toString(36)}_${randomBytes(3).toString("hex")}`;
}

export async function applyTestRepo(repo: RepoInput, baseDir?: string): Promise<string> {
  const parsed = RepoDef.parse(repo);
  await applyRepo({ repo: parsed, actor: { kind: "system", label: "retrieval-test" }, projectCreate: true, baseDir });
  const p = await db().project.findUniqueOrThrow({ where: { name: parsed.project } });
  return p.id;
}

/** A user with `role` in the project and an API token with the same role; returns the token. */
export async function tokenFor(projectId: string, role: Role, opts: { restrictedGrants?: string[] } = {}): Promise<{ token: string; tokenId: string; userId: string }> {
  const user = await db().user.create({
    data: { email: `${uniqueName("u")}@example.com`, passwordHash: "x", memberships: { create: { projectId, role, restrictedGrants: opts.restrictedGrants ?? [] } } },
  });
  const { token, prefix } = newApiToken();
  const row = await db().apiToken.create({
    data: { name: "test", prefix, tokenHash: hashSecret(token), projectId, role, restrictedGrants: opts.restrictedGrants ?? [], createdById: user.id },
  });
  return { token, tokenId: row.id, userId: user.id };
}

/** The Feast quickstart's driver_hourly_stats, fed by a push source (no files needed). */
export function driverRepo(project: string): RepoInput {
  return {
    project,
    entities: [
      { name: "driver", join_keys: [{ name: "driver_id", dtype: "int64" }] },
      { name: "customer", join_keys: [{ name: "customer_id", dtype: "string" }] },
    ],
    sources: [
      {
        name: "driver_stats_push_source",
        kind: "push",
        timestamp_field: "event_timestamp",
        created_timestamp_field: "created",
        schema: [
          { name: "driver_id", dtype: "int64" },
          { name: "conv_rate", dtype: "float64" },
          { name: "acc_rate", dtype: "float64" },
          { name: "avg_daily_trips", dtype: "int64" },
        ],
      },
      {
        name: "customer_push",
        kind: "push",
        timestamp_field: "event_timestamp",
        schema: [
          { name: "customer_id", dtype: "string" },
          { name: "tier", dtype: "string" },
          { name: "score", dtype: "float64" },
        ],
      },
    ],
    feature_views: [
      {
        name: "driver_hourly_stats",
        entities: ["driver"],
        source: "driver_stats_push_source",
        ttl: "1d",
        features: [
          { name: "conv_rate", dtype: "float64" },
          { name: "acc_rate", dtype: "float64" },
          { name: "avg_daily_trips", dtype: "int64" },
        ],
      },
      {
        name: "customer_profile",
        entities: ["customer"],
        source: "customer_push",
        features: [
          { name: "tier", dtype: "string" },
          { name: "score", dtype: "float64" },
        ],
      },
      {
        name: "customer_secret",
        entities: ["customer"],
        source: "customer_push",
        tags: { restricted: "true" },
        features: [{ name: "score", dtype: "float64" }],
      },
    ],
    feature_services: [{ name: "driver_activity", features: ["driver_hourly_stats:conv_rate", "customer_profile:tier"] }],
  };
}

/**
 * A succeeded historical job over driverRepo's driver_hourly_stats, with its result file, as
 * run-historical-job.ts leaves it. Returns the job id and the file (delete it when done).
 */
export async function succeededHistoricalJob(projectId: string, project: string): Promise<{ jobId: string; file: string }> {
  const version = await db().featureViewVersion.findFirstOrThrow({ where: { featureView: { projectId, name: "driver_hourly_stats" } } });
  const job = await db().job.create({
    data: {
      kind: "historical",
      projectId,
      status: "succeeded",
      maxAttempts: 1,
      triggeredBy: "test",
      finishedAt: new Date(),
      params: { features: ["driver_hourly_stats:conv_rate"], versionIds: [version.id], rows: 1 },
      result: { path: historicalResultPath(project, "x"), rows: 1 },
    },
  });
  const file = historicalResultPath(project, job.id);
  await fs.mkdir(path.dirname(file), { recursive: true });
  await fs.writeFile(file, "PAR1 test PAR1");
  return { jobId: job.id, file };
}
