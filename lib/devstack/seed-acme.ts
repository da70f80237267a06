// The demo's second, larger example (examples/acme): four teams' projects, 40 feature views and
// ~300 features with owners, tags, restricted views, services and models. Applied with generated
// data, then materialized through the real jobs so the console shows what it can: most views fresh,
// one stale (materialized until ten days ago), one whose materialization fails (its source file is
// missing), one never materialized. Safe to run again: data, apply and jobs are reused.
import "server-only";
import path from "node:path";
import { db } from "../db/client";
import { withDuckConnection } from "../duckdb/instance";
import { materialize } from "../jobs/materialize";
import { applyRepo } from "../registry/apply-repo";
import { loadRepo } from "../registry/load-repo";
import { ACME, DEMO_STATES } from "../../examples/acme/catalog";
import { ACME_DIR, generateAcmeData } from "../../examples/acme/build";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export interface SeededAcme {
  projects: { name: string; id: string }[];
  end: Date;
}

/** Generates the data (once), applies every project and makes `adminUserId` their admin. */
export async function seedAcme(adminUserId: string, log: (s: string) => void): Promise<SeededAcme> {
  const end = new Date(Math.floor(Date.now() / HOUR) * HOUR);
  const files = await withDuckConnection((c) => generateAcmeData(end, (sql) => c.run(sql).then(() => undefined)));
  if (files) log(`generated acme sample data: ${files} source files`);
  const projects: SeededAcme["projects"] = [];
  for (const p of ACME) {
    const dir = path.join(ACME_DIR, p.name);
    const loaded = await loadRepo(dir);
    await applyRepo({ repo: loaded.repo, origins: loaded.origins, actor: { kind: "system", label: "demo" }, projectCreate: true, baseDir: dir });
    const row = await db().project.findUniqueOrThrow({ where: { name: p.name } });
    await db().membership.upsert({
      where: { projectId_userId: { projectId: row.id, userId: adminUserId } },
      create: { projectId: row.id, userId: adminUserId, role: "admin" },
      update: { role: "admin" },
    });
    projects.push({ name: row.name, id: row.id });
  }
  log(`applied examples/acme: ${projects.length} projects, ${ACME.reduce((n, p) => n + p.views.length, 0)} feature views`);
  return { projects, end };
}

/**
 * Materializes the acme views (the last two days of data) through jobs, and waits for them, except
 * the failing view's job, which keeps retrying in the background. Skipped once done.
 */
export async function materializeAcme(seeded: SeededAcme, log: (s: string) => void): Promise<void> {
  const done = await db().job.count({ where: { projectId: { in: seeded.projects.map((p) => p.id) }, triggeredBy: "demo" } });
  if (done > 0) {
    log("acme views are already materialized");
    return;
  }
  const ids: string[] = [];
  for (const p of seeded.projects) {
    const views = ACME.find((x) => x.name === p.name)!.views.map((v) => v.name);
    const skip = (v: string) => Object.values(DEMO_STATES).some((s) => s.project === p.name && s.view === v);
    const fresh = views.filter((v) => !skip(v));
    const jobs = await materialize({ projectId: p.id, featureViews: fresh, start: new Date(seeded.end.getTime() - 2 * DAY), end: seeded.end, triggeredBy: "demo" });
    ids.push(...jobs.map((j) => j.id));
    if (p.name === DEMO_STATES.stale.project) {
      const old = new Date(seeded.end.getTime() - 10 * DAY);
      const stale = await materialize({ projectId: p.id, featureViews: [DEMO_STATES.stale.view], start: new Date(old.getTime() - 2 * DAY), end: old, triggeredBy: "demo" });
      ids.push(...stale.map((j) => j.id));
    }
    if (p.name === DEMO_STATES.failing.project) {
      await materialize({ projectId: p.id, featureViews: [DEMO_STATES.failing.view], start: new Date(seeded.end.getTime() - DAY), end: seeded.end, triggeredBy: "demo" });
    }
  }
  log(`acme: ${ids.length} materialization jobs queued`);
  let last = "";
  for (;;) {
    const rows = await db().job.groupBy({ by: ["status"], where: { id: { in: ids } }, _count: true });
    const count = (s: string) => rows.find((r) => r.status === s)?._count ?? 0;
    const finished = count("succeeded") + count("failed") + count("cancelled");
    const line = `acme materialization ${finished}/${ids.length}`;
    if (line !== last) log(line);
    last = line;
    if (finished === ids.length) return;
    await new Promise((r) => setTimeout(r, 1000));
  }
}
