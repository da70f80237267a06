// Job alert e-mails through a real SMTP server in the test process: a job failing after its last
// attempt mails every subscriber of the project or the view (not others), the mail names the view
// and the status and links the job; a second trigger sends nothing; the first success after the
// failure sends one "recovered" mail, the next success none.
import fs from "node:fs/promises";
import { SMTPServer } from "smtp-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BASE_DAY, DAY_MS, createTestProject, deleteQueueKeys, jobsTestEnv, removeDir, uniqueName, waitFor, waitForJob, type TestProject } from "../../test/support/jobs";

const SMTP_PORT = 3531;
const prefix = jobsTestEnv({ SMTP_URL: `smtp://127.0.0.1:${SMTP_PORT}`, PUBLIC_URL: "http://larder.test/", MAIL_FROM: "Larder <alerts@larder.test>" });

const { db } = await import("../db/client");
const { closeQueues } = await import("../queues/contracts");
const { startWorkers } = await import("../../workers/register");
const { materialize } = await import("../jobs/materialize");
const { notifyJobOutcome } = await import("./notify-job-outcome");
const { closeMailTransport } = await import("./mail-transport");

interface Received {
  to: string[];
  raw: string;
}
const received: Received[] = [];

/** Quoted-printable soft breaks and escapes, enough to read nodemailer's text bodies. */
function decodeBody(raw: string): string {
  const body = raw.slice(raw.indexOf("\r\n\r\n") + 4);
  if (!/Content-Transfer-Encoding: quoted-printable/i.test(raw)) return body;
  const bytes = body.replace(/=\r?\n/g, "").replace(/=([0-9A-F]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16)));
  return Buffer.from(bytes, "latin1").toString("utf8");
}
function subjectOf(raw: string): string {
  const m = /^Subject: (.*(?:\r\n[ \t].*)*)/m.exec(raw);
  return (m?.[1] ?? "").replace(/\r\n[ \t]/g, " ");
}

const server = new SMTPServer({
  authOptional: true,
  disabledCommands: ["STARTTLS", "AUTH"],
  logger: false,
  onData(stream, session, callback) {
    const chunks: Buffer[] = [];
    stream.on("data", (c: Buffer) => chunks.push(c));
    stream.on("end", () => {
      received.push({ to: session.envelope.rcptTo.map((r) => r.address), raw: Buffer.concat(chunks).toString("utf8") });
      callback();
    });
  },
});

let p: TestProject;
let workers: ReturnType<typeof startWorkers>;
const users: Record<string, { id: string; email: string }> = {};

beforeAll(async () => {
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(SMTP_PORT, "127.0.0.1", () => resolve());
  });
  p = await createTestProject({ days: 1 });
  const other = await createTestProject({ days: 1 });
  await removeDir(other.dir);
  const view = await db().featureView.findUniqueOrThrow({ where: { projectId_name: { projectId: p.projectId, name: p.view } } });
  for (const who of ["projectsub", "viewsub", "othersub", "nosub"]) {
    const email = `${uniqueName(who)}@example.com`;
    users[who] = await db().user.create({ data: { email, passwordHash: "x" }, select: { id: true, email: true } });
  }
  await db().alertSubscription.createMany({
    data: [
      { userId: users.projectsub.id, projectId: p.projectId },
      { userId: users.viewsub.id, projectId: p.projectId, featureViewId: view.id },
      { userId: users.othersub.id, projectId: other.projectId },
    ],
  });
  workers = startWorkers({ concurrency: 2, log: () => undefined });
});

afterAll(async () => {
  await workers?.close();
  await closeQueues();
  await deleteQueueKeys(prefix);
  closeMailTransport();
  await new Promise<void>((r) => server.close(() => r()));
  await removeDir(p.dir);
});

describe("job alert e-mails", () => {
  it("mails subscribers once when a job fails after its last attempt, and once on recovery", async () => {
    const saved = `${p.sourceFile}.saved`;
    await fs.rename(p.sourceFile, saved);
    const window = { projectId: p.projectId, start: new Date(BASE_DAY), end: new Date(BASE_DAY + DAY_MS), triggeredBy: "test" };
    const [job] = await materialize(window);
    expect((await waitForJob(job.id)).status).toBe("failed");

    await waitFor("two failure mails", async () => received.length >= 2);
    const byRcpt = new Map(received.map((m) => [m.to[0], m]));
    expect([...byRcpt.keys()].sort()).toEqual([users.projectsub.email, users.viewsub.email].sort());
    for (const m of received) {
      expect(subjectOf(m.raw)).toBe(`[Larder] ${p.project}/spend: materialize FAILED`);
      const text = decodeBody(m.raw);
      expect(text).toMatch(/failed after 3 attempt\(s\)/);
      expect(text).toMatch(/Failed step:\s+read_source/);
      expect(text).toContain((await db().job.findUniqueOrThrow({ where: { id: job.id } })).error!);
      expect(text).toContain(`http://larder.test/projects/${p.project}/jobs/${job.id}`);
      expect(m.raw).toMatch(/^From: Larder <alerts@larder\.test>/m);
    }
    const outbox = await db().mailOutbox.findMany({ where: { dedupeKey: { startsWith: `job:${job.id}:` } } });
    expect(outbox.map((o) => o.status)).toEqual(["sent", "sent"]);
    expect(outbox.every((o) => o.attempts === 1 && o.sentAt)).toBe(true);

    // The same trigger again: recorded already, nothing new is queued or sent.
    expect(await notifyJobOutcome(job.id)).toBe(0);
    await new Promise((r) => setTimeout(r, 700));
    expect(received).toHaveLength(2);

    // The first success after the failure: one "recovered" mail each; the next success: none.
    await fs.rename(saved, p.sourceFile);
    const [ok] = await materialize(window);
    expect((await waitForJob(ok.id)).status).toBe("succeeded");
    await waitFor("two recovery mails", async () => received.length >= 4);
    for (const m of received.slice(2)) {
      expect(subjectOf(m.raw)).toBe(`[Larder] ${p.project}/spend: materialize recovered`);
      expect(decodeBody(m.raw)).toContain(`http://larder.test/projects/${p.project}/jobs/${ok.id}`);
    }
    const [again] = await materialize(window);
    expect((await waitForJob(again.id)).status).toBe("succeeded");
    await new Promise((r) => setTimeout(r, 700));
    expect(received).toHaveLength(4);
  });
});
