// Demo data for `npm run demo`: an admin login, the sample repo applied with generated data, a
// token, and a backfill of the sample views. Safe to run again: it reuses what exists.
import "server-only";
import { existsSync } from "node:fs";
import path from "node:path";
import { CLI_ACTOR } from "../admin/actor";
import { createToken } from "../admin/create-token";
import { createUser } from "../admin/create-user";
import { hashPassword } from "../auth/secrets";
import { db } from "../db/client";
import { isLarderError } from "../errors";
import { backfill } from "../jobs/backfill";
import { materialize } from "../jobs/materialize";
import { applyRepo } from "../registry/apply-repo";
import { loadRepo } from "../registry/load-repo";
import type { ApplyResult } from "../registry/plan-schema";
import { generateRetailData } from "../../examples/retail/generate-data";

export const DEMO_EMAIL = "admin@larder.local";
export const DEMO_PASSWORD = "larder-demo";

export interface SeededDemo {
  adminUserId: string;
  email: string;
  password: string;
  token: string;
  project: string;
  projectId: string;
  dataStart: Date;
  dataEnd: Date;
}

export async function seedDemo(opts: { repoDir: string; log?: (s: string) => void }): Promise<SeededDemo> {
  const log = opts.log ?? ((s: string) => console.log(`[demo] ${s}`));
  const existing = await db().user.findUnique({ where: { email: DEMO_EMAIL } });
  const admin = existing
    ? await db().user.update({ where: { id: existing.id }, data: { passwordHash: await hashPassword(DEMO_PASSWORD), isAdmin: true, disabledAt: null } })
    : await createUser({ email: DEMO_EMAIL, password: DEMO_PASSWORD, name: "Demo Admin", isAdmin: true }, CLI_ACTOR);

  // Data is generated once (90 days ending at the hour it was first generated) and then kept, so
  // re-runs only materialize what is missing.
  const dataDir = path.join(opts.repoDir, "data");
  const marker = path.join(dataDir, "transactions.parquet");
  const generated = !existsSync(marker);
  const data = await generateRetailData(dataDir, generated ? {} : { end: await dataEndOf(marker) });
  if (generated) log(`generated sample data: ${data.rows.transactions} transactions, ${data.rows.customerProfiles} profiles`);

  const loaded = await loadRepo(opts.repoDir);
  const result = await applyRepo({ repo: loaded.repo, origins: loaded.origins, actor: { kind: "system", label: "demo" }, projectCreate: true, baseDir: opts.repoDir });
  log(`applied ${path.relative(process.cwd(), opts.repoDir)}: ${summarize(result)}`);

  const project = await db().project.findUniqueOrThrow({ where: { name: loaded.repo.project } });
  await db().membership.upsert({
    where: { projectId_userId: { projectId: project.id, userId: admin.id } },
    create: { projectId: project.id, userId: admin.id, role: "admin" },
    update: { role: "admin" },
  });
  const token = await createToken(project, { name: `demo ${new Date().toISOString().slice(0, 16)}`, role: "editor" }, CLI_ACTOR, { creatorUserId: admin.id });
  return { adminUserId: admin.id, email: DEMO_EMAIL, password: DEMO_PASSWORD, token: token.token, project: project.name, projectId: project.id, dataStart: data.start, dataEnd: data.end };
}

async function dataEndOf(file: string): Promise<Date> {
  const { withDuckConnection, qlit } = await import("../duckdb/instance");
  return withDuckConnection(async (c) => {
    const r = await c.runAndReadAll(`SELECT epoch_ms(max(event_timestamp)) FROM read_parquet(${qlit(file)})`);
    const ms = Number(r.getRows()[0][0]);
    return new Date(Math.ceil(ms / 3_600_000) * 3_600_000);
  });
}

function summarize(result: ApplyResult): string {
  const parts = Object.entries(result.plan.summary).filter(([, n]) => n > 0).map(([k, n]) => `${n} ${k}`);
  return parts.join(", ") || "no changes";
}

/**
 * Materializes, in one job per view, the stretch before the data's first day that a view's
 * lookback reaches (its ttl): historical reads need the whole lookback materialized, so without it
 * training on customer_profile (ttl 365d) answered 409 for every time in the 90 days of data.
 */
async function materializeLookback(seeded: SeededDemo, log: (s: string) => void): Promise<void> {
  if (await db().job.count({ where: { projectId: seeded.projectId, triggeredBy: "demo-lookback" } })) return;
  const views = await db().featureView.findMany({ where: { projectId: seeded.projectId, archivedAt: null }, select: { name: true, latestVersion: true, versions: { select: { version: true, ttlSeconds: true } } } });
  const span = seeded.dataEnd.getTime() - seeded.dataStart.getTime();
  const ids: string[] = [];
  for (const v of views) {
    const ttl = v.versions.find((x) => x.version === v.latestVersion)?.ttlSeconds ?? 0;
    if (ttl * 1000 <= span) continue;
    const jobs = await materialize({ projectId: seeded.projectId, featureViews: [v.name], start: new Date(seeded.dataStart.getTime() - ttl * 1000 - 86_400_000), end: seeded.dataStart, triggeredBy: "demo-lookback" });
    ids.push(...jobs.map((j) => j.id));
  }
  if (!ids.length) return;
  log(`materializing the lookback of ${ids.length} view(s) before the data's first day`);
  for (;;) {
    const open = await db().job.count({ where: { id: { in: ids }, status: { in: ["queued", "running", "retrying"] } } });
    if (!open) return;
    await new Promise((r) => setTimeout(r, 1000));
  }
}

/** Backfills every gap of the sample views over the data's 90 days (and their lookback) and waits for it. */
export async function materializeDemo(seeded: SeededDemo, log: (s: string) => void): Promise<void> {
  await materializeLookback(seeded, log);
  let parentId: string;
  try {
    const created = await backfill({ projectId: seeded.projectId, start: seeded.dataStart, end: seeded.dataEnd, gaps: true, triggeredBy: "demo" });
    parentId = created.parent.id;
    log(`backfill ${parentId}: ${created.children.length} day partitions queued`);
  } catch (e) {
    if (isLarderError(e) && e.code === "conflict") {
      log("sample views are already materialized");
      return;
    }
    throw e;
  }
  let last = "";
  for (;;) {
    const job = await db().job.findUniqueOrThrow({ where: { id: parentId } });
    const line = `backfill ${job.status} ${(job.progress * 100).toFixed(0)}%`;
    if (line !== last) log(line);
    last = line;
    if (job.status === "succeeded") return;
    if (job.status === "failed" || job.status === "cancelled") throw new Error(`demo backfill ${job.status}: ${job.error ?? ""}`);
    await new Promise((r) => setTimeout(r, 1000));
  }
}
