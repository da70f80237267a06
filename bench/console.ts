// `npm run bench:console`: every main console page, with 10,000 features and with the acme demo.
// Seeds a fresh database with one project of 500 feature views × 20 features (applied through
// applyRepo, so search documents exist too) and the demo's second example (examples/acme, four
// projects), plus jobs in each measured project (a backfill with 365 partitions and 300 runs),
// starts `next start` on the production build (run `npm run build` first), and measures in
// Chromium, per page (overview, catalog, features, feature view, feature, search, jobs, job detail,
// lineage, access): navigation start → first meaningful content (the page's own data laid out)
// and → interactive (that content hydrated and the main thread free). Cold: the first visit of the
// page in a fresh browser context (no HTTP cache); warm: the median of 5 more. Beside each, the
// ratio to a floor measured the same way: the same shell with no data (a 404 page). See
// docs/benchmarks.md.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { chromium, type Browser, type Page } from "playwright-core";
import { CLI_ACTOR } from "../lib/admin/actor";
import { createUser } from "../lib/admin/create-user";
import { db, disconnectDb } from "../lib/db/client";
import { migrateDeploy } from "../lib/db/migrate";
import { seedAcme } from "../lib/devstack/seed-acme";
import { applyRepo } from "../lib/registry/apply-repo";
import { RepoDef } from "../lib/registry/repo-schema";

const VIEWS = 500;
const FEATURES_PER_VIEW = 20;
const PORT = Number(process.env.BENCH_CONSOLE_PORT ?? 3720);
const BASE = `http://127.0.0.1:${PORT}`;
const TARGET_MS = 1000;
const TOPICS = ["spend", "visits", "returns", "clicks", "basket", "refunds", "logins", "sessions", "orders", "reviews"];
const METRICS = ["sum", "avg", "max", "min", "ratio", "count", "trend", "share", "rate", "delta"];

function buildRepo() {
  const sources = Array.from({ length: 10 }, (_, s) => ({
    name: `events_${s}`,
    kind: "push" as const,
    timestamp_field: "event_timestamp",
    schema: [{ name: "customer_id", dtype: "int64" }, ...Array.from({ length: FEATURES_PER_VIEW }, (_, j) => ({ name: `c${j}`, dtype: "float64" }))],
  }));
  const views = Array.from({ length: VIEWS }, (_, i) => {
    const topic = TOPICS[i % TOPICS.length];
    return {
      name: `${topic}_view_${String(i).padStart(3, "0")}`,
      entities: ["customer"],
      source: `events_${i % 10}`,
      ttl: "30d",
      owner: `team-${i % 17}@example.com`,
      tags: { team: `team-${i % 17}`, domain: topic },
      description: `Generated view ${i} about customer ${topic}`,
      transform: `SELECT customer_id, event_timestamp, ${Array.from({ length: FEATURES_PER_VIEW }, (_, j) => `c${j} AS ${topic}_${METRICS[j % 10]}_${i}_${j}`).join(", ")} FROM source`,
      features: Array.from({ length: FEATURES_PER_VIEW }, (_, j) => ({ name: `${topic}_${METRICS[j % 10]}_${i}_${j}`, dtype: "float64", description: `${METRICS[j % 10]} of ${topic}` })),
    };
  });
  return RepoDef.parse({ project: "bench", entities: [{ name: "customer", join_keys: [{ name: "customer_id", dtype: "int64" }] }], sources, feature_views: views });
}

const QUIET_MS = 300;
const WARM_RUNS = 5;

/** Long tasks from the navigation's start on (installed before any script of the page runs). */
function observeLongTasks() {
  const w = window as unknown as { __benchLongTaskEnd: number };
  w.__benchLongTaskEnd = 0;
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) w.__benchLongTaskEnd = Math.max(w.__benchLongTaskEnd, e.startTime + e.duration);
    }).observe({ type: "longtask", buffered: true });
  } catch {
    // no Long Tasks API: interactive = hydrated
  }
}

/**
 * One page load: milliseconds from the navigation's start (performance.timeOrigin) to
 * - content: the first animation frame in which an element matching `selector` is laid out with a
 *   size (checked in the page on every frame: Playwright's own polling is 0.5 s coarse);
 * - interactive: the content and the top bar's account menu carry React's handlers (hydrated),
 *   and the main thread is free: the end of the last long task (> 50 ms) before a 300 ms quiet
 *   window, if later.
 */
async function time(page: Page, url: string, selector: string): Promise<{ content: number; interactive: number }> {
  await page.goto(url, { waitUntil: "commit" });
  const content = await page.waitForFunction(
    (sel) => {
      const el = document.querySelector(sel);
      if (!el) return false;
      const r = el.getBoundingClientRect();
      return r.width > 0 && r.height > 0 ? performance.now() : false;
    },
    selector,
    { polling: "raf", timeout: 30_000 },
  );
  const hydrated = await page.waitForFunction(
    (sel) => {
      // No local functions here: tsx would wrap them in a helper the page does not have.
      let node: Element | null = document.querySelector(sel);
      // Server-rendered text is not itself hydrated: its closest element with handlers is.
      while (node && node !== document.body && !Object.keys(node).some((k) => k.startsWith("__reactProps$"))) node = node.parentElement;
      const menu = document.querySelector('[aria-label="Account menu"]');
      const ok = !!node && node !== document.body && !!menu && Object.keys(menu).some((k) => k.startsWith("__reactProps$"));
      return ok ? performance.now() : false;
    },
    selector,
    { polling: "raf", timeout: 30_000 },
  );
  const free = await page.waitForFunction(
    ([since, quiet]) => {
      const end = (window as unknown as { __benchLongTaskEnd: number }).__benchLongTaskEnd;
      const last = Math.max(since, end);
      return performance.now() - last >= quiet ? last : false;
    },
    [(await hydrated.jsonValue()) as number, QUIET_MS] as const,
    { polling: 50, timeout: 30_000 },
  );
  const c = (await content.jsonValue()) as number;
  return { content: Math.round(c), interactive: Math.round(Math.max(c, (await free.jsonValue()) as number)) };
}

const FLOOR = "floor: the shell, no data (404)";
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

interface Case {
  page: string;
  url: string;
  selector: string;
}
interface Row {
  catalog: string;
  page: string;
  cold: { content: number; interactive: number };
  warm: { content: number; interactive: number };
}

/** Jobs to show: 300 runs over the project's views and a backfill of 365 daily partitions with its log. */
async function seedJobs(projectId: string): Promise<string> {
  const views = await db().featureView.findMany({ where: { projectId }, select: { id: true, latestVersion: true }, take: 50, orderBy: { name: "asc" } });
  const day = 86_400_000;
  const end = Date.UTC(2026, 0, 1);
  const statuses = ["succeeded", "succeeded", "succeeded", "failed", "cancelled"] as const;
  await db().job.createMany({
    data: Array.from({ length: 300 }, (_, i) => {
      const v = views[i % views.length];
      const at = new Date(end - i * 3_600_000);
      return {
        kind: "materialize" as const,
        projectId,
        featureViewId: v.id,
        version: v.latestVersion,
        windowStart: new Date(at.getTime() - day),
        windowEnd: at,
        status: statuses[i % statuses.length],
        progress: 1,
        attempts: 1,
        triggeredBy: "bench",
        createdAt: at,
        startedAt: at,
        finishedAt: new Date(at.getTime() + 60_000),
      };
    }),
  });
  const v = views[0];
  const parent = await db().job.create({
    data: { kind: "backfill", projectId, featureViewId: v.id, version: v.latestVersion, windowStart: new Date(end - 365 * day), windowEnd: new Date(end), status: "succeeded", progress: 1, attempts: 1, triggeredBy: "bench", startedAt: new Date(end), finishedAt: new Date(end + 3_600_000) },
  });
  await db().job.createMany({
    data: Array.from({ length: 365 }, (_, i) => ({
      kind: "materialize" as const,
      projectId,
      featureViewId: v.id,
      version: v.latestVersion,
      parentId: parent.id,
      windowStart: new Date(end - (365 - i) * day),
      windowEnd: new Date(end - (364 - i) * day),
      status: statuses[i % statuses.length],
      progress: 1,
      attempts: 1,
      triggeredBy: "bench",
      createdAt: new Date(end + i),
      startedAt: new Date(end + i),
      finishedAt: new Date(end + i + 60_000),
    })),
  });
  await db().jobLog.createMany({
    data: Array.from({ length: 200 }, (_, i) => ({ jobId: parent.id, level: "info", message: `partition ${i} written`, at: new Date(end + i * 1000) })),
  });
  return parent.id;
}

/** The main pages of one project, each with the element that is its first meaningful content. */
async function casesOf(project: string, search: string): Promise<Case[]> {
  const row = await db().project.findUniqueOrThrow({ where: { name: project } });
  const view = await db().featureView.findFirstOrThrow({ where: { projectId: row.id }, orderBy: { name: "asc" } });
  const version = await db().featureViewVersion.findFirstOrThrow({ where: { featureViewId: view.id, version: view.latestVersion } });
  const feature = await db().feature.findFirstOrThrow({ where: { versionId: version.id }, orderBy: { name: "asc" } });
  const job = await db().job.findFirstOrThrow({ where: { projectId: row.id, kind: "backfill" } });
  const p = `/projects/${encodeURIComponent(project)}`;
  const v = `${p}/feature-views/${encodeURIComponent(view.name)}`;
  return [
    // The floor: the same shell (session, project, top bar, side nav) with no data of its own.
    { page: FLOOR, url: `${p}/no-such-page`, selector: '[data-testid="not-found"] h1' },
    { page: "overview", url: p, selector: `main a[href^="${v.slice(0, v.lastIndexOf("/") + 1)}"]` },
    { page: "catalog (feature views)", url: `${p}/feature-views`, selector: 'table[aria-label="Feature views"] tbody tr a' },
    { page: "features", url: `${p}/features`, selector: 'table[aria-label="Features"] tbody tr a' },
    { page: "feature view", url: v, selector: 'table[aria-label="Schema"] tbody tr' },
    { page: "feature", url: `${v}/features/${encodeURIComponent(feature.name)}`, selector: "main h1 .font-mono" },
    { page: `search (${search})`, url: `/search?q=${encodeURIComponent(search)}`, selector: '[data-testid="search-hit"]' },
    { page: "jobs", url: `${p}/jobs`, selector: 'table[aria-label="Jobs"] tbody tr a' },
    { page: "job detail (365 partitions)", url: `${p}/jobs/${job.id}`, selector: 'table[aria-label="Partitions"] tbody tr a' },
    { page: "lineage", url: `${p}/lineage`, selector: '[data-testid^="lineage-node-"]' },
    { page: "access", url: `${p}/access`, selector: 'table[aria-label="Members"] tbody tr' },
  ];
}

async function measure(browser: Browser, catalog: string, all: Case[]): Promise<Row[]> {
  const only = process.env.BENCH_CONSOLE_PAGES?.split(",");
  const cases = only ? all.filter((c) => c.page === FLOOR || only.some((o) => c.page.startsWith(o))) : all;
  const rows: Row[] = [];
  for (const c of cases) {
    // Cold: a new context has no HTTP cache (scripts, styles) and no client state.
    const context = await browser.newContext({ baseURL: BASE, viewport: { width: 1440, height: 900 } });
    await context.addInitScript(observeLongTasks);
    const login = await context.request.post("/api/v1/auth/login", { data: { email: "bench@example.com", password: "bench-password" } });
    if (!login.ok()) throw new Error(`login failed: ${login.status()} ${await login.text()}`);
    const page = await context.newPage();
    const cold = await time(page, c.url, c.selector);
    const warm: Array<{ content: number; interactive: number }> = [];
    for (let i = 0; i < WARM_RUNS; i++) warm.push(await time(page, c.url, c.selector));
    await context.close();
    const row = { catalog, page: c.page, cold, warm: { content: median(warm.map((w) => w.content)), interactive: median(warm.map((w) => w.interactive)) } };
    console.log(`  ${catalog} · ${c.page}: content ${row.warm.content} ms warm, ${cold.content} ms cold; interactive ${row.warm.interactive} / ${cold.interactive} ms`);
    rows.push(row);
  }
  return rows;
}

async function main() {
  if (!existsSync(".next/BUILD_ID")) throw new Error("No production build: run `npm run build` first.");
  const baseUrl = new URL(process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/larder");
  baseUrl.pathname = `/larder_bench_console_${Date.now().toString(36)}`;
  const dbUrl = baseUrl.toString();
  const pg = await import("pg");
  const admin = new URL(dbUrl);
  admin.pathname = "/postgres";
  const adminClient = new pg.default.Client({ connectionString: admin.toString() });
  await adminClient.connect();
  await adminClient.query(`CREATE DATABASE "${baseUrl.pathname.slice(1)}"`);
  process.env.DATABASE_URL = dbUrl;
  // The acme example's sources live under examples/ (a data root of the demo).
  process.env.DATA_ROOTS = [process.env.DATA_ROOTS, "examples"].filter(Boolean).join(",");
  let server: ReturnType<typeof spawn> | undefined;
  try {
    await migrateDeploy(dbUrl);
    const t0 = Date.now();
    await applyRepo({ repo: buildRepo(), actor: { kind: "system", label: "bench" }, projectCreate: true });
    const features = await db().feature.count();
    console.log(`seeded ${VIEWS} views, ${features} features in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    const user = await createUser({ email: "bench@example.com", password: "bench-password" }, CLI_ACTOR);
    const project = await db().project.findUniqueOrThrow({ where: { name: "bench" } });
    await db().membership.create({ data: { projectId: project.id, userId: user.id, role: "admin" } });
    await seedJobs(project.id);
    // The acme demo (as `npm run demo` applies it, without materializing): its biggest project.
    await seedAcme(user.id, (line) => console.log(line));
    const acme = (
      await Promise.all(
        (await db().project.findMany({ where: { name: { not: "bench" } } })).map(async (p) => ({ p, n: await db().featureView.count({ where: { projectId: p.id } }) })),
      )
    ).sort((a, b) => b.n - a.n)[0].p;
    await seedJobs(acme.id);

    server = spawn(process.execPath, ["node_modules/next/dist/bin/next", "start", "-p", String(PORT), "-H", "127.0.0.1"], {
      // Production refuses the development session secret (docs/security.md): a throwaway one.
      env: { ...process.env, DATABASE_URL: dbUrl, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1", SESSION_SECRET: randomBytes(32).toString("hex") } as NodeJS.ProcessEnv,
      stdio: "ignore",
    });
    for (let i = 0; ; i++) {
      try {
        if ((await fetch(`${BASE}/login`)).ok) break;
      } catch {
        // not listening yet
      }
      if (i > 120) throw new Error("next start did not answer within 60 s");
      await new Promise((r) => setTimeout(r, 500));
    }

    if (process.env.BENCH_CONSOLE_HOLD) {
      // Profiling: keep the seeded server up (sign in as bench@example.com / bench-password) until Ctrl-C.
      console.log(`holding ${BASE} (projects bench and ${acme.name}); Ctrl-C ends`);
      await new Promise<void>((resolve) => process.once("SIGINT", () => resolve()));
      return;
    }
    const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking"] });
    const rows = [
      ...(await measure(browser, "10,000 features", await casesOf("bench", "customer"))),
      // A typo: the fuzzy path of search.
      ...(await measure(browser, "10,000 features", (await casesOf("bench", "spnd ratio")).filter((c) => c.page.startsWith("search")))),
      ...(await measure(browser, `acme (${acme.name})`, await casesOf(acme.name, "fraud"))),
    ];
    await browser.close();

    console.log(`\nConsole page load, navigation start → content / interactive (Chromium, production build, 1440 × 900):`);
    console.log(`${"catalog".padEnd(20)} ${"page".padEnd(34)} ${"content warm".padStart(12)} ${"cold".padStart(8)} ${"interactive warm".padStart(16)} ${"cold".padStart(8)} ${"÷ floor".padStart(8)}  target: content warm < ${TARGET_MS} ms`);
    for (const r of rows) {
      const floor = rows.find((f) => f.catalog === r.catalog && f.page === FLOOR)!;
      console.log(
        `${r.catalog.padEnd(20)} ${r.page.padEnd(34)} ${`${r.warm.content} ms`.padStart(12)} ${`${r.cold.content} ms`.padStart(8)} ${`${r.warm.interactive} ms`.padStart(16)} ${`${r.cold.interactive} ms`.padStart(8)} ${(r.warm.content / floor.warm.content).toFixed(2).padStart(8)}  ${r.warm.content < TARGET_MS ? "ok" : "SLOW"}`,
      );
    }
  } finally {
    server?.kill("SIGTERM");
    await disconnectDb();
    await adminClient.query(`DROP DATABASE IF EXISTS "${baseUrl.pathname.slice(1)}" WITH (FORCE)`);
    await adminClient.end();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
