// `larder materialize | materialize-incremental | backfill | jobs list|get|retry|cancel` — through
// the jobs API (LARDER_URL, LARDER_TOKEN). Backfill shows a progress bar until the job finishes.
import "server-only";
import { SingleBar, Presets } from "cli-progress";
import type { Command } from "commander";
import { env } from "../../config/env";
import { projectOption } from "../project-option";
import { createClient, type LarderClient } from "../../client/http";
import type { JobJson } from "../../jobs/job-schema";

type JobDetail = JobJson & { logs: { at: string; level: string; message: string }[]; children: JobJson[] };
const FINAL = new Set(["succeeded", "failed", "cancelled"]);

export interface JobsCliDeps {
  /** The API client (tests pass one that calls the route handlers in-process). */
  client?: () => LarderClient;
  out?: (line: string) => void;
  /** Poll interval while waiting, ms. */
  pollMs?: number;
  /** Force the progress bar on/off (default: on when stdout is a terminal). */
  progressBar?: boolean;
}

/** `2024-03-01` → midnight UTC; anything else is sent as typed (the API validates it). */
export function normalizeTime(s: string): string {
  if (/^\d{4}-\d{2}-\d{2}$/.test(s)) return `${s}T00:00:00Z`;
  // ISO 8601 lets seconds be left out (2026-11-01T00:00Z); the API wants them.
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2})(Z|[+-]\d{2}:?\d{2})$/i.exec(s);
  return m ? `${m[1]}:00${m[2].toUpperCase()}` : s;
}

export function splitList(s: string | undefined): string[] | undefined {
  const items = (s ?? "").split(",").map((x) => x.trim()).filter(Boolean);
  return items.length ? items : undefined;
}

function shortTime(s: string | null): string {
  return s ? s.replace(":00.000Z", "Z").replace(".000Z", "Z") : "-";
}

/** One line per job: id, kind, view, window, status, progress, rows. */
export function formatJobLine(j: JobJson): string {
  const view = j.featureView ? `${j.featureView}@v${j.version}` : "(several views)";
  const pct = `${Math.round(j.progress * 100)}%`.padStart(4);
  const err = j.status === "failed" || j.status === "retrying" ? `  ${j.errorStep ?? "?"}: ${j.error ?? ""}` : "";
  return `${j.id}  ${j.kind.padEnd(23)} ${view.padEnd(24)} ${shortTime(j.windowStart)} → ${shortTime(j.windowEnd)}  ${j.status.padEnd(9)} ${pct}  read ${j.rowsRead} offline ${j.rowsWrittenOffline} online ${j.rowsWrittenOnline}${err}`;
}

export function registerJobsCommands(program: Command, deps: JobsCliDeps = {}): void {
  const out = deps.out ?? ((l: string) => console.log(l));
  const pollMs = deps.pollMs ?? 1000;
  const client =
    deps.client ??
    (() => {
      const e = env();
      if (!e.LARDER_TOKEN) console.error("warning: LARDER_TOKEN is not set; the API will answer 401.");
      return createClient({ baseUrl: e.LARDER_URL, token: e.LARDER_TOKEN });
    });
  const projectPath = (p: string) => `/api/v1/projects/${encodeURIComponent(p)}`;
  const getJob = (c: LarderClient, id: string) => c.request<JobDetail>("GET", `/api/v1/jobs/${encodeURIComponent(id)}`);
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

  /** Polls jobs until all are final; prints each as it finishes. Returns false if any did not succeed. */
  async function waitAll(c: LarderClient, ids: string[]): Promise<boolean> {
    const pending = new Set(ids);
    let ok = true;
    while (pending.size) {
      for (const id of [...pending]) {
        const j = await getJob(c, id);
        if (FINAL.has(j.status)) {
          pending.delete(id);
          out(formatJobLine(j));
          if (j.status !== "succeeded") ok = false;
        }
      }
      if (pending.size) await sleep(pollMs);
    }
    return ok;
  }

  /** Polls a backfill (or any job) with a progress bar until it is final. */
  async function followWithBar(c: LarderClient, id: string): Promise<JobDetail> {
    const useBar = deps.progressBar ?? Boolean(process.stdout.isTTY);
    const bar = useBar
      ? new SingleBar({ format: "backfill {bar} {percentage}% | {done}/{total} partitions | {status}", hideCursor: true }, Presets.shades_classic)
      : undefined;
    let started = false;
    let lastLine = "";
    for (;;) {
      const j = await getJob(c, id);
      const done = j.children.filter((ch) => FINAL.has(ch.status)).length;
      const payload = { done, total: j.children.length, status: j.status };
      const pct = Math.round(j.progress * 100);
      if (bar) {
        if (!started) bar.start(100, pct, payload);
        else bar.update(pct, payload);
        started = true;
      } else {
        const line = `${pct}% ${done}/${j.children.length} partitions ${j.status}`;
        if (line !== lastLine) out(line);
        lastLine = line;
      }
      if (FINAL.has(j.status)) {
        bar?.stop();
        return j;
      }
      await sleep(pollMs);
    }
  }

  function report(j: JobDetail): void {
    out(formatJobLine(j));
    for (const ch of j.children.filter((x) => x.status !== "succeeded")) out(`  ${formatJobLine(ch)}`);
    if (j.status !== "succeeded") process.exitCode = 1;
  }

  program
    .command("materialize <start> <end>")
    .description("materialize [start, end) of the latest version of each view (ISO times with zone, or YYYY-MM-DD = UTC midnight)")
    .addOption(projectOption())
    .option("--views <names>", "comma-separated feature views (default: all)")
    .option("--wait", "wait until the jobs finish")
    .action(async (start: string, end: string, o: { project: string; views?: string; wait?: boolean }) => {
      const c = client();
      const r = await c.request<{ jobs: JobJson[] }>("POST", `${projectPath(o.project)}/materialize`, {
        ...(splitList(o.views) ? { featureViews: splitList(o.views) } : {}),
        start: normalizeTime(start),
        end: normalizeTime(end),
      });
      for (const j of r.jobs) out(`queued ${formatJobLine(j)}`);
      if (o.wait && !(await waitAll(c, r.jobs.map((j) => j.id)))) process.exitCode = 1;
    });

  program
    .command("materialize-incremental")
    .description("materialize each view from the end of its last materialized interval to now")
    .addOption(projectOption())
    .option("--views <names>", "comma-separated feature views (default: all)")
    .option("--wait", "wait until the jobs finish")
    .action(async (o: { project: string; views?: string; wait?: boolean }) => {
      const c = client();
      const r = await c.request<{ jobs: JobJson[]; skipped: { featureView: string; reason: string }[] }>("POST", `${projectPath(o.project)}/materialize-incremental`, {
        ...(splitList(o.views) ? { featureViews: splitList(o.views) } : {}),
      });
      for (const j of r.jobs) out(`queued ${formatJobLine(j)}`);
      for (const s of r.skipped) out(`skipped ${s.featureView}: ${s.reason}`);
      if (o.wait && !(await waitAll(c, r.jobs.map((j) => j.id)))) process.exitCode = 1;
    });

  program
    .command("backfill <start> <end>")
    .description("backfill [start, end): one job per view version and UTC day, then online as of end; shows progress")
    .addOption(projectOption())
    .option("--views <names>", "comma-separated feature views (default: all)")
    .option("--gaps", "only the parts of [start, end) not materialized yet")
    .option("--no-wait", "return once the backfill is queued")
    .action(async (start: string, end: string, o: { project: string; views?: string; gaps?: boolean; wait: boolean }) => {
      const c = client();
      const r = await c.request<{ job: JobJson }>("POST", `${projectPath(o.project)}/backfill`, {
        ...(splitList(o.views) ? { featureViews: splitList(o.views) } : {}),
        start: normalizeTime(start),
        end: normalizeTime(end),
        gaps: Boolean(o.gaps),
      });
      out(`queued backfill ${r.job.id} with ${r.job.childCount ?? "?"} partition job(s)`);
      if (o.wait) report(await followWithBar(c, r.job.id));
    });

  const jobs = program.command("jobs").description("list, inspect, retry and cancel jobs");
  jobs
    .command("list")
    .description("jobs, newest first")
    .option("-p, --project <name>", "only this project")
    .option("--view <name>", "only this feature view (needs --project)")
    .option("--status <list>", "e.g. failed,retrying")
    .option("--kind <list>", "e.g. backfill")
    .option("--limit <n>", "how many", "20")
    .option("--json", "print JSON")
    .action(async (o: { project?: string; view?: string; status?: string; kind?: string; limit: string; json?: boolean }) => {
      const q = new URLSearchParams({ limit: o.limit });
      if (o.status) q.set("status", o.status);
      if (o.kind) q.set("kind", o.kind);
      if (o.view) q.set("featureView", o.view);
      const path = o.project ? `${projectPath(o.project)}/jobs?${q}` : `/api/v1/jobs?${q}`;
      const page = await client().request<{ items: JobJson[]; total: number }>("GET", path);
      if (o.json) return out(JSON.stringify(page, null, 2));
      for (const j of page.items) out(formatJobLine(j));
      out(`${page.items.length} of ${page.total} job(s)`);
    });
  jobs
    .command("get <jobId>")
    .description("one job with its partitions and log")
    .option("--json", "print JSON")
    .action(async (id: string, o: { json?: boolean }) => {
      const j = await getJob(client(), id);
      if (o.json) return out(JSON.stringify(j, null, 2));
      out(formatJobLine(j));
      out(`  project ${j.project}; triggered by ${j.triggeredBy}; attempts ${j.attempts}/${j.maxAttempts}; created ${j.createdAt}${j.retryOf ? `; retry of ${j.retryOf}` : ""}`);
      if (j.children.length) {
        out(`  partitions (${j.children.length}):`);
        for (const ch of j.children) out(`    ${formatJobLine(ch)}`);
      }
      if (j.logs.length) {
        out("  log:");
        for (const l of j.logs) out(`    ${l.at} ${l.level.padEnd(5)} ${l.message}`);
      }
    });
  jobs
    .command("retry <jobId>")
    .description("retry a failed or cancelled job as a new job")
    .option("--wait", "wait until it finishes")
    .action(async (id: string, o: { wait?: boolean }) => {
      const c = client();
      const r = await c.request<{ job: JobJson }>("POST", `/api/v1/jobs/${encodeURIComponent(id)}/retry`);
      out(`queued ${formatJobLine(r.job)}`);
      if (o.wait) {
        if (r.job.kind === "backfill") report(await followWithBar(c, r.job.id));
        else if (!(await waitAll(c, [r.job.id]))) process.exitCode = 1;
      }
    });
  jobs
    .command("cancel <jobId>")
    .description("cancel a job (a running one stops at its next batch)")
    .action(async (id: string) => {
      const r = await client().request<{ job: JobJson; state: string }>("POST", `/api/v1/jobs/${encodeURIComponent(id)}/cancel`);
      out(r.state === "cancelled" ? `cancelled ${r.job.id}` : `cancelling ${r.job.id}: it stops at its next batch`);
    });
}
