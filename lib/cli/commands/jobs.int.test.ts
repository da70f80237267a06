// The jobs CLI against the real route handlers (in-process fetch) and real workers: materialize
// --wait, backfill with progress until done, jobs list/get/cancel/retry.
import { Command } from "commander";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callRoute } from "../../../test/fixtures/api";
import { addTestMember, createTestToken, createTestUser } from "../../../test/fixtures/auth";
import { createTestProject, deleteQueueKeys, jobsTestEnv, removeDir, type TestProject } from "../../../test/support/jobs";

const prefix = jobsTestEnv();
const { jobsEndpoints } = await import("../../api/endpoints/jobs");
const { createClient } = await import("../../client/http");
const { closeQueues } = await import("../../queues/contracts");
const { startWorkers } = await import("../../../workers/register");
const { registerJobsCommands } = await import("./jobs");

/** fetch → the route handler whose contract path matches. */
const inProcessFetch: typeof fetch = async (input, init) => {
  const url = new URL(String(input));
  const method = (init?.method ?? "GET") as "GET" | "POST";
  for (const ep of jobsEndpoints) {
    if (ep.method !== method) continue;
    const names: string[] = [];
    const re = new RegExp(`^${ep.path.replace(/\{([^}]+)\}/g, (_m, n: string) => (names.push(n), "([^/]+)"))}$`);
    const m = re.exec(url.pathname);
    if (!m) continue;
    const params = Object.fromEntries(names.map((n, i) => [n, decodeURIComponent(m[i + 1])]));
    return callRoute(method, ep.path, {
      params,
      query: Object.fromEntries(url.searchParams),
      headers: Object.fromEntries(new Headers(init?.headers).entries()),
      ...(init?.body ? { body: String(init.body) } : {}),
    });
  }
  return new Response("not found", { status: 404 });
};

let p: TestProject;
let token = "";
let workers: ReturnType<typeof startWorkers>;
let lines: string[] = [];

async function larder(...args: string[]): Promise<string[]> {
  lines = [];
  const program = new Command().exitOverride();
  registerJobsCommands(program, {
    client: () => createClient({ baseUrl: "http://larder.test", token, fetch: inProcessFetch }),
    out: (l) => lines.push(l),
    pollMs: 100,
    progressBar: false,
  });
  await program.parseAsync(["node", "larder", ...args]);
  return lines;
}

beforeAll(async () => {
  p = await createTestProject({ days: 2 });
  const u = await createTestUser();
  await addTestMember(p.projectId, u.id, "operator");
  token = (await createTestToken(p.projectId, u.id, "operator")).token;
  workers = startWorkers({ concurrency: 2, log: () => undefined });
});

afterAll(async () => {
  await workers.close();
  await closeQueues();
  await deleteQueueKeys(prefix);
  await removeDir(p.dir);
  process.exitCode = 0;
});

describe("larder jobs CLI", () => {
  it("materialize --wait, backfill with progress, jobs list/get, cancel and retry", async () => {
    const m = await larder("materialize", "2024-03-01", "2024-03-02", "-p", p.project, "--views", "spend", "--wait");
    expect(m[0]).toMatch(/^queued \S+\s+materialize\s+spend@v1\s+2024-03-01T00:00Z → 2024-03-02T00:00Z\s+queued/);
    // One day and the end's day (the end is a midnight: rows exactly at it go offline).
    expect(m.at(-1)).toMatch(/succeeded\s+100%\s+read \d+ offline 48 online \d+/);

    const b = await larder("backfill", "2024-03-01", "2024-03-03", "-p", p.project);
    expect(b[0]).toMatch(/^queued backfill (\S+) with 2 partition job\(s\)$/);
    expect(b.some((l) => /^100% 2\/2 partitions succeeded$/.test(l))).toBe(true);
    expect(b.at(-1)).toMatch(/backfill\s+spend@v1 .* succeeded\s+100%\s+read \d+ offline 48/);
    const backfillId = /^queued backfill (\S+)/.exec(b[0])![1];

    const list = await larder("jobs", "list", "-p", p.project, "--kind", "backfill");
    expect(list[0]).toContain(backfillId);
    expect(list.at(-1)).toBe("1 of 1 job(s)");

    const got = await larder("jobs", "get", backfillId);
    expect(got.join("\n")).toMatch(/partitions \(2\):[\s\S]*log:[\s\S]*succeeded: 2 partitions/);

    const q = await larder("backfill", "2024-03-01", "2024-03-03", "-p", p.project, "--no-wait");
    const queuedId = /^queued backfill (\S+)/.exec(q[0])![1];
    const c = await larder("jobs", "cancel", queuedId);
    expect(c[0]).toMatch(/^(cancelled|cancelling) /);
    expect(c[0]).toContain(queuedId);
    const retry = await larder("jobs", "retry", backfillId).catch((e: Error) => e);
    expect(retry).toBeInstanceOf(Error);
    expect((retry as Error).message).toMatch(/Only failed or cancelled jobs can be retried/);
  });
});
