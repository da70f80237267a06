// Seeds the e2e database (run by the global setup in a child process, with the run's env):
// migrate, one user per role, the sample repo examples/retail applied with generated data, a
// second version of customer_spend (for the diff), statistics for its features, and a failed
// job to retry. The acme example's four projects (registry only, no data; the admin is their admin)
// give search, facets and the project lists a catalog of realistic size.
import { cp, mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { CLI_ACTOR } from "../../lib/admin/actor";
import { createUser } from "../../lib/admin/create-user";
import { db, disconnectDb } from "../../lib/db/client";
import { createRunDatabase } from "./database";
import { applyRepo } from "../../lib/registry/apply-repo";
import { loadRepo } from "../../lib/registry/load-repo";
import { generateRetailData } from "../../examples/retail/generate-data";
import { ACME } from "../../examples/acme/catalog";
import { closeQueues } from "../../lib/queues/contracts";
import { materializeWindow } from "../../lib/materialize/materialize-window";
import { createRedis } from "../../lib/redis/connection";
import { hashSecret, newApiToken } from "../../lib/auth/secrets";
import { seedMonitoring } from "./seed-monitoring";
import { PASSWORD, ROLES, RUN_DIR, SEED_FILE, emailOf, type SeedInfo } from "./env";

async function main() {
  await createRunDatabase(process.env.DATABASE_URL!);

  // The repo is copied so generated data and absolute paths belong to this run only.
  const repoDir = path.join(RUN_DIR, "retail");
  await mkdir(repoDir, { recursive: true });
  for (const f of ["entities.yaml", "sources.yaml", "views.yaml", "services.yaml"]) await cp(path.join("examples/retail", f), path.join(repoDir, f));
  const data = await generateRetailData(path.join(repoDir, "data"), { customers: 200, transactions: 5000 });

  const loaded = await loadRepo(repoDir);
  await applyRepo({ repo: loaded.repo, origins: loaded.origins, actor: { kind: "system", label: "e2e" }, projectCreate: true, baseDir: repoDir });
  // A value change (ttl) makes customer_spend v2, so the versions diff has something to show.
  const v2 = structuredClone(loaded.repo);
  const spend = v2.feature_views.find((v) => v.name === "customer_spend")!;
  spend.ttl = "45d";
  // A service (and a model) over customer_profile alone, which the seed materializes below: its
  // snippets have keys and a time to run with (churn_v1 also reads customer_spend, never materialized).
  v2.feature_services.push({ name: "customer_basics", description: "Profile features of a customer", owner: "ml-team@example.com", tags: {}, features: ["customer_profile:age", "customer_profile:segment"] });
  v2.models.push({ name: "upsell_model", description: "Which customers to offer the upgrade", owner: "ml-team@example.com", tags: {}, feature_services: ["customer_basics"] });
  await applyRepo({ repo: v2, origins: loaded.origins, actor: { kind: "system", label: "e2e" }, baseDir: repoDir });

  const project = await db().project.findUniqueOrThrow({ where: { name: loaded.repo.project } });
  const users: Record<string, { id: string; email: string }> = {};
  for (const role of ROLES) {
    const u = await createUser({ email: emailOf(role), password: PASSWORD, name: `E2E ${role}` }, CLI_ACTOR);
    users[role] = u;
    await db().membership.create({ data: { projectId: project.id, userId: u.id, role } });
  }
  // acme's YAML reads ../data/<project>/…, which resolves inside this run's data root.
  for (const p of ACME) {
    const dir = path.join(repoDir, "acme", p.name);
    await mkdir(dir, { recursive: true });
    await cp(path.join("examples/acme", p.name, "repo.yaml"), path.join(dir, "repo.yaml"));
    const acme = await loadRepo(dir);
    await applyRepo({ repo: acme.repo, origins: acme.origins, actor: { kind: "system", label: "e2e" }, projectCreate: true, baseDir: dir });
    const row = await db().project.findUniqueOrThrow({ where: { name: p.name } });
    await db().membership.create({ data: { projectId: row.id, userId: users.admin.id, role: "admin" } });
  }
  // An API token (never used to sign in here): rows it "wrote" show its name, not its id.
  const ci = newApiToken();
  const token = await db().apiToken.create({ data: { name: "nightly-ci", prefix: ci.prefix, tokenHash: hashSecret(ci.token), projectId: project.id, role: "editor", createdById: users.admin.id } });
  const byToken = `token:${token.id} (${users.admin.email})`;
  // A consumer token the snippets spec runs the console's snippets with.
  const reader = newApiToken();
  await db().apiToken.create({ data: { name: "snippets", prefix: reader.prefix, tokenHash: hashSecret(reader.token), projectId: project.id, role: "consumer", createdById: users.admin.id } });

  // Statistics of customer_spend v2 over five partitions (what a materialization stores: row-level
  // features only; window aggregates are computed when read and have none).
  const view = await db().featureView.findUniqueOrThrow({ where: { projectId_name: { projectId: project.id, name: "customer_spend" } }, include: { versions: true } });
  const latest = view.versions.find((v) => v.version === view.latestVersion)!;
  await db().featureViewVersion.update({ where: { id: latest.id }, data: { createdBy: byToken } });
  for (let d = 0; d < 5; d++) {
    const partition = `date=2025-01-0${d + 1}`;
    for (const [i, featureName] of ["amount", "is_large"].entries()) {
      await db().featureStatistic.create({
        data: {
          versionId: latest.id,
          featureName,
          partition,
          rowCount: BigInt(1000 + d * 10),
          nullFraction: 0.02 * (d + i),
          min: 0,
          max: 1000,
          mean: 200 + d * 15 + i,
          stddev: 50,
          distinct: BigInt(900),
          histogram: Array.from({ length: 10 }, (_, b) => ({ lo: b * 100, hi: (b + 1) * 100, count: Math.round(200 * Math.exp(-b / 2)) + d })),
        },
      });
    }
  }

  await seedMonitoring(latest.id);

  // customer_profile materialized over the data's whole range, offline and online, as a succeeded
  // job would leave it: previews and snippets have real rows and keys to show.
  const profile = await db().featureView.findUniqueOrThrow({ where: { projectId_name: { projectId: project.id, name: "customer_profile" } } });
  const profileVersion = await db().featureViewVersion.findUniqueOrThrow({ where: { featureViewId_version: { featureViewId: profile.id, version: profile.latestVersion } } });
  const redis = createRedis("online");
  try {
    // From a year before the data ends: historical reads need the view's ttl (365d) covered.
    const start = new Date(Math.floor((data.end.getTime() - 366 * 86400_000) / 86400_000) * 86400_000);
    const end = data.end;
    await materializeWindow(
      { projectName: project.name, viewName: profile.name, version: profileVersion.version, versionId: profileVersion.id, start, end, writeOffline: true, writeOnline: true, jobId: "e2e-seed-profile" },
      {},
      { redis },
    );
    await db().materializedInterval.create({ data: { versionId: profileVersion.id, start, end, online: true, offline: true } });
    // An older piece, then a hole: the timeline shows one real gap (5 days before the data starts).
    await db().materializedInterval.create({ data: { versionId: profileVersion.id, start: new Date(start.getTime() - 10 * 86400_000), end: new Date(start.getTime() - 5 * 86400_000), online: false, offline: true } });
  } finally {
    redis.disconnect();
  }

  // A failed materialization of customer_profile (small) that the retry spec retries.
  const failed = await db().job.create({
    data: {
      kind: "materialize",
      projectId: project.id,
      featureViewId: profile.id,
      version: profile.latestVersion,
      windowStart: new Date(data.end.getTime() - 2 * 86400_000),
      windowEnd: data.end,
      status: "failed",
      attempts: 3,
      maxAttempts: 3,
      error: "simulated failure: the source was unreachable",
      errorStep: "read source",
      triggeredBy: "e2e",
      startedAt: new Date(Date.now() - 60_000),
      finishedAt: new Date(Date.now() - 55_000),
      logs: { create: [{ level: "info", message: "reading source customer_profiles" }, { level: "error", message: "simulated failure: the source was unreachable" }] },
    },
  });

  // A finished backfill of customer_profile over 40 days: its partitions are paged and counted.
  const day0 = Date.UTC(2024, 10, 1);
  const backfill = await db().job.create({
    data: {
      kind: "backfill",
      projectId: project.id,
      featureViewId: profile.id,
      version: profile.latestVersion,
      windowStart: new Date(day0),
      windowEnd: new Date(day0 + 40 * 86400_000),
      status: "failed",
      progress: 1,
      attempts: 1,
      error: "3 of 40 partitions failed",
      errorStep: "partitions",
      triggeredBy: byToken,
      startedAt: new Date(Date.now() - 600_000),
      finishedAt: new Date(Date.now() - 300_000),
      logs: { create: [{ level: "info", message: "backfill of customer_profile v1: 40 partitions" }, { level: "error", message: "3 of 40 partitions failed" }] },
    },
  });
  await db().job.createMany({
    data: Array.from({ length: 40 }, (_, i) => ({
      kind: "materialize" as const,
      projectId: project.id,
      featureViewId: profile.id,
      version: profile.latestVersion,
      parentId: backfill.id,
      windowStart: new Date(day0 + i * 86400_000),
      windowEnd: new Date(day0 + (i + 1) * 86400_000),
      params: { writeOffline: true, writeOnline: false, partition: new Date(day0 + i * 86400_000).toISOString().slice(0, 10) },
      status: i % 13 === 5 ? ("failed" as const) : i % 13 === 9 ? ("cancelled" as const) : ("succeeded" as const),
      progress: 1,
      attempts: 1,
      triggeredBy: `backfill:${backfill.id}`,
    })),
  });

  // Cancelled after its first attempt failed: the row keeps that attempt's error.
  const cancelled = await db().job.create({
    data: {
      kind: "materialize",
      projectId: project.id,
      featureViewId: profile.id,
      version: profile.latestVersion,
      windowStart: new Date(data.end.getTime() - 86400_000),
      windowEnd: data.end,
      status: "cancelled",
      attempts: 1,
      maxAttempts: 3,
      error: "simulated failure: the source timed out",
      errorStep: "read source",
      triggeredBy: users.operator.email,
      startedAt: new Date(Date.now() - 120_000),
      finishedAt: new Date(Date.now() - 100_000),
      logs: { create: [{ level: "error", message: "attempt 1 of 3 failed: simulated failure: the source timed out" }, { level: "warn", message: "cancelled by operator@e2e.test before it ran" }] },
    },
  });

  // Queued with no queue entry, so it stays queued until the cancel spec cancels it.
  const queued = await db().job.create({
    data: { kind: "materialize", projectId: project.id, featureViewId: profile.id, version: profile.latestVersion, windowStart: new Date(data.end.getTime() - 86400_000), windowEnd: data.end, triggeredBy: users.operator.email },
  });

  const info: SeedInfo = {
    project: project.name,
    failedJobId: failed.id,
    backfillJobId: backfill.id,
    cancelledJobId: cancelled.id,
    queuedJobId: queued.id,
    dataStart: data.start.toISOString(),
    dataEnd: data.end.toISOString(),
    consumerToken: reader.token,
  };
  await writeFile(SEED_FILE, JSON.stringify(info, null, 2));
  await disconnectDb();
  await closeQueues(); // apply's after-change step synced cron schedulers through BullMQ
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
