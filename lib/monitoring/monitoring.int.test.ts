// Monitoring end to end (issue 16) on real Postgres, Redis, DuckDB, an SMTP server and a local
// webhook receiver, with the workers running materialize and delivery jobs: every condition kind
// fires once on its change (not again on the next evaluation), reminds after the interval,
// resolves with a recovery message; e-mail and signed Slack-compatible webhooks arrive, a failing
// webhook is retried with backoff and the delivery log shows it; skew is 0 on a healthy store and a
// value corrupted in Redis is caught; the health report and the CLI agree; restricted views keep
// their values out of evidence.
import { createHmac } from "node:crypto";
import fs from "node:fs/promises";
import http from "node:http";
import path from "node:path";
import { SMTPServer } from "smtp-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TEST_SOURCES_ROOT } from "../../test/fixtures/data-roots";
import { applyTestRepo, deleteQueueKeys, jobsTestEnv, removeDir, testRepo, uniqueName, waitFor, waitForJob } from "../../test/support/jobs";
import { deleteOnline, writeParquet } from "../../test/support/materialize";

const SMTP_PORT = 3533;
const prefix = jobsTestEnv({ SMTP_URL: `smtp://127.0.0.1:${SMTP_PORT}`, PUBLIC_URL: "http://larder.test/", WEBHOOK_ATTEMPTS: "4" });

const { db } = await import("../db/client");
const { closeQueues } = await import("../queues/contracts");
const { startWorkers } = await import("../../workers/register");
const { materialize } = await import("../jobs/materialize");
const { closeMailTransport } = await import("../alerts/mail-transport");
const { sharedRedis } = await import("../redis/connection");
const { entityKey, rowField } = await import("../online/keys");
const { reconcileProject } = await import("./reconcile");
const { checkSkew } = await import("./skew-check");
const { healthReport } = await import("./health-report");
const { createAlertTarget, listAlertDeliveries } = await import("./alert-targets");
const { listDrift, listJobQuality } = await import("./monitoring-reads");
const { formatHealth } = await import("../cli/commands/status");
const { getOnlineFeatures, getOnlineFeaturesJson } = await import("../online/get-online-features");
const { withLineageStates, withSearchStates } = await import("./view-states");
const { getLineage } = await import("../lineage/get-lineage");
const { searchCatalog } = await import("../search/search-catalog");
const { SearchQuery } = await import("../search/search-schema");

const DAY = 86_400_000;
const TODAY = Math.floor(Date.now() / DAY) * DAY;
const T0 = TODAY - 3 * DAY;

const mails: { to: string; subject: string; text: string }[] = [];
const smtp = new SMTPServer({
  authOptional: true,
  disabledCommands: ["STARTTLS", "AUTH"],
  logger: false,
  onData(stream, session, cb) {
    const chunks: Buffer[] = [];
    stream.on("data", (c: Buffer) => chunks.push(c));
    stream.on("end", () => {
      const raw = Buffer.concat(chunks).toString("utf8");
      const body = raw.slice(raw.indexOf("\r\n\r\n") + 4).replace(/=\r?\n/g, "").replace(/=([0-9A-F]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16)));
      const subject = (/^Subject: (.*(?:\r\n[ \t].*)*)/m.exec(raw)?.[1] ?? "").replace(/\r\n[ \t]/g, " ");
      mails.push({ to: session.envelope.rcptTo[0].address, subject, text: Buffer.from(body, "latin1").toString("utf8") });
      cb();
    });
  },
});

const hooks: { headers: http.IncomingHttpHeaders; body: string; status: number }[] = [];
let failNext = 1;
const receiver = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on("data", (c: Buffer) => chunks.push(c));
  req.on("end", () => {
    const status = failNext > 0 ? 500 : 200;
    if (failNext > 0) failNext--;
    hooks.push({ headers: req.headers, body: Buffer.concat(chunks).toString("utf8"), status });
    res.writeHead(status).end();
  });
});
const SECRET = "webhook-secret-0123456789";

let project: string;
let projectId: string;
let dir: string;
let sourceFile: string;
let hookUrl: string;
let workers: ReturnType<typeof startWorkers>;
const admin = { kind: "user" as const, userId: "u-admin", email: "admin@x", name: "admin", isAdmin: true, sessionId: "", grants: [] };
const viewer = () => ({ kind: "user" as const, userId: "u-viewer", email: "viewer@x", name: "viewer", isAdmin: false, sessionId: "", grants: [{ projectId, projectName: project, role: "viewer" as const, restrictedGrants: [] }] });

async function writeSource(days: number) {
  const rows = [];
  for (let d = 0; d < days; d++) for (let i = 0; i < 30; i++) rows.push({ customer_id: (i % 6) + 1, event_timestamp: T0 + d * DAY + i * 3_600_000 + 1000, amount: (i % 10) * 1.5 + (d === days - 1 ? 40 : 0) });
  await writeParquet(sourceFile, [{ name: "customer_id", type: "BIGINT" }, { name: "event_timestamp", type: "TIMESTAMP" }, { name: "amount", type: "DOUBLE" }], rows);
}
const run = async (days: [number, number]) => {
  const [job] = await materialize({ projectId, start: new Date(T0 + days[0] * DAY), end: new Date(T0 + days[1] * DAY), triggeredBy: "test" });
  return waitForJob(job.id);
};
const condition = (kind: string, subject = "view:spend") => db().monitorCondition.findUnique({ where: { projectId_kind_subject: { projectId, kind, subject } } });
const deliveries = () => db().alertDelivery.findMany({ where: { target: { projectId } }, include: { target: true }, orderBy: { createdAt: "asc" } });

beforeAll(async () => {
  await new Promise<void>((resolve, reject) => {
    smtp.once("error", reject);
    smtp.listen(SMTP_PORT, "127.0.0.1", () => resolve());
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", () => resolve()));
  hookUrl = `http://127.0.0.1:${(receiver.address() as { port: number }).port}/hook`;
  project = uniqueName("mon");
  dir = path.join(TEST_SOURCES_ROOT, "monitor", project);
  sourceFile = path.join(dir, "tx.parquet");
  await writeSource(3);
  const repo = testRepo(project, "spend", sourceFile, { ttl: "1d" });
  Object.assign(repo.feature_views![0], {
    freshness: "3d",
    monitoring: { row_count: { min: 100 }, features: { amount: { min: 0 } }, drift: { reference: "previous", threshold: 0.2, min_values: 10, features: ["amount"] } },
  });
  projectId = await applyTestRepo(repo);
  await createAlertTarget(admin, { id: projectId, name: project }, { channel: "email", address: "oncall@example.org", events: [] });
  await createAlertTarget(admin, { id: projectId, name: project }, { channel: "webhook", address: hookUrl, secret: SECRET, events: ["rule_failed", "drift", "job_failed", "job_recovered", "skew"] });
  workers = startWorkers({ concurrency: 2, queues: ["materialize", "deliveries"], log: () => undefined });
});

afterAll(async () => {
  await workers?.close();
  await closeQueues();
  await deleteQueueKeys(prefix);
  await deleteOnline(sharedRedis("online"), project);
  closeMailTransport();
  await new Promise<void>((r) => smtp.close(() => r()));
  await new Promise<void>((r) => receiver.close(() => r()));
  await removeDir(dir);
});

describe("monitoring conditions and alerts", () => {
  it("fires rule_failed and drift once each, by e-mail and signed webhook (retried after a 500), no storm on re-evaluation", async () => {
    expect((await run([0, 3])).status).toBe("succeeded");
    await reconcileProject({ id: projectId, name: project });
    expect(await condition("rule_failed")).toMatchObject({ firing: true });
    expect(await condition("drift", "view:spend/feature:amount")).toMatchObject({ firing: true });
    expect(await condition("stale")).toMatchObject({ firing: false });
    expect(await condition("job_failed")).toMatchObject({ firing: false });

    await waitFor("two alert mails", async () => mails.filter((m) => m.to === "oncall@example.org").length >= 2);
    const subjects = mails.map((m) => m.subject).sort();
    expect(subjects).toEqual([`[Larder] ${project}/spend: DATA-QUALITY RULES FAILING`, `[Larder] ${project}/spend: DRIFT`].sort());
    const ruleMail = mails.find((m) => /RULES/.test(m.subject))!;
    expect(ruleMail.text).toMatch(/row_count \(warn\)/);
    expect(ruleMail.text).toContain("http://larder.test/projects/");

    // Webhooks: the first call got a 500 and was retried; every call is signed.
    await waitFor("two delivered webhooks", async () => hooks.filter((h) => h.status === 200).length >= 2);
    expect(hooks[0].status).toBe(500);
    for (const h of hooks) {
      const expected = `sha256=${createHmac("sha256", SECRET).update(`${h.headers["x-larder-timestamp"]}.${h.body}`).digest("hex")}`;
      expect(h.headers["x-larder-signature"]).toBe(expected);
      const body = JSON.parse(h.body);
      expect(typeof body.text).toBe("string");
      expect(body.larder.project).toBe(project);
    }
    const log = await listAlertDeliveries({ id: projectId, name: project }, { limit: 50 });
    const retried = log.items.find((d) => d.channel === "webhook" && d.attempts === 2)!;
    expect(retried).toMatchObject({ status: "sent", responseStatus: 200, lastError: null });
    expect(log.items.filter((d) => d.status === "sent")).toHaveLength(4);

    // Evaluated again: nothing changed, nothing sent.
    const before = (await deliveries()).length;
    const again = await reconcileProject({ id: projectId, name: project });
    expect(again.transitions).toEqual([]);
    expect((await deliveries()).length).toBe(before);
  });

  it("reminds after the interval and sends a recovery when a condition resolves", async () => {
    // 25 h on. The newest event is today 00:00 minus 1 h, so a 2d objective was exceeded at that
    // point whenever the suite ran after 22:00 UTC (a stale condition fired as well); with 3d it
    // never is, at any time of day.
    const later = new Date(Date.now() + 25 * 3_600_000);
    const r = await reconcileProject({ id: projectId, name: project }, later);
    expect(r.transitions.map((t) => `${t.kind}:${t.phase}`).sort()).toEqual(["drift:reminder", "rule_failed:reminder"]);
    await waitFor("reminder mails", async () => mails.filter((m) => /STILL FIRING/.test(m.subject)).length >= 2);
    // Only one reminder per interval.
    expect((await reconcileProject({ id: projectId, name: project }, new Date(later.getTime() + 60_000))).transitions).toEqual([]);
    // The rule is relaxed (apply edits it in place): the next run passes, the condition resolves.
    const repo = testRepo(project, "spend", sourceFile, { ttl: "1d" });
    Object.assign(repo.feature_views![0], { freshness: "3d", monitoring: { features: { amount: { min: 0 } }, drift: { reference: "previous", threshold: 100, features: ["amount"] } } });
    await applyTestRepo(repo);
    expect((await run([2, 3])).status).toBe("succeeded");
    await reconcileProject({ id: projectId, name: project });
    expect(await condition("rule_failed")).toMatchObject({ firing: false });
    await waitFor("a resolved mail", async () => mails.some((m) => /RESOLVED: data-quality rules failing/.test(m.subject)));
  });

  it("job failed, then job recovered: one alert each", async () => {
    const saved = `${sourceFile}.saved`;
    await fs.rename(sourceFile, saved);
    expect((await run([2, 3])).status).toBe("failed");
    await reconcileProject({ id: projectId, name: project });
    expect(await condition("job_failed")).toMatchObject({ firing: true });
    await waitFor("job failed alert", async () => mails.some((m) => m.subject === `[Larder] ${project}/spend: JOB FAILED`));
    await fs.rename(saved, sourceFile);
    expect((await run([2, 3])).status).toBe("succeeded");
    await reconcileProject({ id: projectId, name: project });
    expect(await condition("job_failed")).toMatchObject({ firing: false });
    await waitFor("recovered webhook", async () => hooks.some((h) => h.status === 200 && JSON.parse(h.body).larder.event === "job_recovered"));
    expect(mails.filter((m) => /JOB FAILED/.test(m.subject))).toHaveLength(1);
  });

  it("stale: fires when the objective is exceeded, resolves when fresh again", async () => {
    await reconcileProject({ id: projectId, name: project }, new Date(Date.now() + 3 * DAY));
    expect(await condition("stale")).toMatchObject({ firing: true });
    await waitFor("stale mail", async () => mails.some((m) => m.subject === `[Larder] ${project}/spend: STALE`));
    await reconcileProject({ id: projectId, name: project });
    expect(await condition("stale")).toMatchObject({ firing: false });
    await waitFor("fresh again mail", async () => mails.some((m) => m.subject === `[Larder] ${project}/spend: RESOLVED: stale`));
    // A source that stopped producing rows: jobs succeed, but the newest event is older than 3d.
    const versionId = (await db().featureViewVersion.findFirstOrThrow({ where: { featureView: { projectId, name: "spend" } }, orderBy: { version: "desc" } })).id;
    const mark = await db().dataWatermark.findUniqueOrThrow({ where: { versionId } });
    await db().dataWatermark.update({ where: { versionId }, data: { maxEventTime: new Date(T0 - 5 * DAY) } });
    await reconcileProject({ id: projectId, name: project });
    expect(await condition("stale")).toMatchObject({ firing: true, summary: expect.stringMatching(/newest materialized event at/) });
    await db().dataWatermark.update({ where: { versionId }, data: { maxEventTime: mark.maxEventTime } });
    await reconcileProject({ id: projectId, name: project });
    expect(await condition("stale")).toMatchObject({ firing: false });
    // The webhook target does not subscribe to "stale".
    expect(hooks.some((h) => JSON.parse(h.body).larder.kind === "stale")).toBe(false);
  });

  it("skew: 0 on a healthy store; a value corrupted in Redis is caught with an example", async () => {
    const healthy = await checkSkew(project, "spend");
    expect(healthy.status).toBe("checked");
    if (healthy.status !== "checked") return;
    expect(healthy.mismatches, JSON.stringify(healthy.features, null, 1)).toBe(0);
    expect(healthy.features.map((f) => f.feature).sort()).toEqual(["amount", "amount_sum_1d"]);
    expect(healthy.features.every((f) => f.compared === 6)).toBe(true);
    await reconcileProject({ id: projectId, name: project });
    expect(await condition("skew")).toMatchObject({ firing: false });

    const redis = sharedRedis("online");
    const key = entityKey(project, { customer_id: 3 });
    const field = rowField("spend", 1);
    const packed = JSON.parse((await redis.hget(key, field))!) as unknown[];
    await redis.hset(key, field, JSON.stringify([Number(packed[0]) + 1000]));
    const bad = await checkSkew(project, "spend");
    expect(bad.status).toBe("checked");
    if (bad.status !== "checked") return;
    const amount = bad.features.find((f) => f.feature === "amount")!;
    expect(amount).toMatchObject({ mismatches: 1, compared: 6 });
    expect(amount.examples).toEqual([{ entity: { customer_id: 3 }, online: Number(packed[0]) + 1000, offline: packed[0] }]);
    expect(bad.features.find((f) => f.feature === "amount_sum_1d")!.mismatches).toBe(0);
    await reconcileProject({ id: projectId, name: project });
    expect(await condition("skew")).toMatchObject({ firing: true });
    await waitFor("skew webhook", async () => hooks.some((h) => h.status === 200 && JSON.parse(h.body).larder.kind === "skew"));
  });

  it("online reads report staleness in their metadata only when asked (include_staleness)", async () => {
    const request = { features: ["spend:amount"], entities: { customer_id: [1, 2] } };
    const plain = await getOnlineFeatures({ project, principal: admin, request });
    expect(plain.metadata).toEqual({ feature_names: ["customer_id", "amount"] });
    const asked = await getOnlineFeatures({ project, principal: admin, request: { ...request, include_staleness: true } });
    const until = (await db().materializedInterval.findFirst({ where: { version: { featureView: { projectId, name: "spend" } } }, orderBy: { end: "desc" } }))!.end;
    // The newest event at or before the windows' end (T0 + 3d): day 3's row at 23:00:01.
    const newest = new Date(T0 + 2 * DAY + 23 * 3_600_000 + 1000).toISOString();
    expect(asked.metadata.staleness).toEqual({ spend: { materialized_until: until.toISOString(), newest_event_time: newest, last_success_at: expect.any(String), freshness_objective_seconds: 3 * 86400, stale: false } });
    expect(asked.results).toEqual(plain.results);
    // The byte-level writer (the feature server's path) says the same.
    const bytes = JSON.parse((await getOnlineFeaturesJson({ project, principal: admin, request: { ...request, include_staleness: true } })).toString("utf8"));
    expect(bytes).toEqual(JSON.parse(JSON.stringify(asked)));
    expect(JSON.parse((await getOnlineFeaturesJson({ project, principal: admin, request })).toString("utf8")).metadata).toEqual({ feature_names: ["customer_id", "amount"] });
    await expect(getOnlineFeatures({ project, principal: admin, request: { ...request, include_staleness: "yes" } })).rejects.toMatchObject({ code: "bad_request" });
  });

  it("the health report and `larder status` list what fires, and restricted views keep their values out", async () => {
    const r = await healthReport(admin, { id: projectId, name: project });
    expect(r.status).toBe("failing");
    expect(r.counts).toMatchObject({ failingJobs: 0, staleViews: 0, skew: 1 });
    expect(r.skew[0]).toMatchObject({ view: "spend", href: `/projects/${encodeURIComponent(project)}/feature-views/spend`, severity: "failing" });
    expect(r.skew[0].evidence).not.toBeNull();
    expect(r.views).toEqual([{ name: "spend", state: "fresh", href: `/projects/${encodeURIComponent(project)}/feature-views/spend` }]);
    const text = formatHealth(r, "http://larder.test").join("\n");
    expect(text).toContain(`${project}: FAILING`);
    expect(text).toMatch(/Training\/serving skew: 1\n {2}✗ online\/offline skew in spend@v1: amount 1\/6 differ/);

    // Search results and lineage nodes carry the same state (from the stored conditions).
    await reconcileProject({ id: projectId, name: project });
    const graph = await withLineageStates(project, await getLineage({ id: projectId, name: project }));
    expect(graph.nodes.find((n) => n.kind === "feature_view")?.state).toBe("fresh");
    expect(graph.nodes.filter((n) => n.kind === "feature").every((n) => n.state === "fresh")).toBe(true);
    const found = await withSearchStates(await searchCatalog(admin, SearchQuery.parse({ q: "spend", project })));
    expect(found.items.find((h) => h.kind === "feature_view")?.state).toBe("fresh");
    await db().monitorCondition.update({ where: { projectId_kind_subject: { projectId, kind: "stale", subject: "view:spend" } }, data: { firing: true } });
    expect((await withLineageStates(project, await getLineage({ id: projectId, name: project }))).nodes.find((n) => n.kind === "feature_view")?.state).toBe("stale");
    await db().monitorCondition.update({ where: { projectId_kind_subject: { projectId, kind: "job_failed", subject: "view:spend" } }, data: { firing: true } });
    expect((await withSearchStates(await searchCatalog(admin, SearchQuery.parse({ q: "spend", project })))).items.find((h) => h.kind === "feature_view")?.state).toBe("failing");
    await reconcileProject({ id: projectId, name: project });

    await db().featureView.update({ where: { projectId_name: { projectId, name: "spend" } }, data: { restricted: true } });
    try {
      const v = await healthReport(viewer(), { id: projectId, name: project });
      expect(v.skew[0].evidence).toBeNull();
      expect(v.skew[0].summary).not.toMatch(/1000/);
      const job = await db().job.findFirstOrThrow({ where: { projectId, status: "succeeded" }, orderBy: { finishedAt: "asc" } });
      const q = await listJobQuality(viewer(), { id: projectId, name: project }, job.id);
      expect(q.items.length).toBeGreaterThan(0);
      expect(q.items.every((i) => i.observed === null && i.expected === null && /values hidden/.test(i.message))).toBe(true);
      await expect(listDrift(viewer(), { id: projectId, name: project }, "spend", 1, { partitions: 10 })).rejects.toMatchObject({ code: "forbidden" });
      expect((await listDrift(admin, { id: projectId, name: project }, "spend", 1, { partitions: 10 })).items.length).toBeGreaterThan(0);
      const qa = await listJobQuality(admin, { id: projectId, name: project }, job.id);
      expect(qa.items.some((i) => i.observed !== null)).toBe(true);
    } finally {
      await db().featureView.update({ where: { projectId_name: { projectId, name: "spend" } }, data: { restricted: false } });
    }
  });
});
