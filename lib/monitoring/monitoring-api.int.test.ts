// The monitoring routes through their handlers (handle(): authentication, permissions, zod, problem
// JSON) and `larder status` against them in-process: health report for viewers, alert targets for
// admins only, webhook/e-mail validation as 400 with invalid_params, the delivery log.
import { Command } from "commander";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callRoute, json } from "../../test/fixtures/api";
import { addTestMember, createTestToken, createTestUser } from "../../test/fixtures/auth";
import { createTestProject, deleteQueueKeys, jobsTestEnv, removeDir, type TestProject } from "../../test/support/jobs";

const prefix = jobsTestEnv();
const { closeQueues } = await import("../queues/contracts");
const { db } = await import("../db/client");
const { createClient } = await import("../client/http");
const { registerStatusCommand } = await import("../cli/commands/status");

let p: TestProject;
let viewerToken = "";
let adminToken = "";
const auth = (t: string) => ({ authorization: `Bearer ${t}` });

beforeAll(async () => {
  p = await createTestProject({ days: 1 });
  const viewer = await createTestUser();
  const admin = await createTestUser();
  await addTestMember(p.projectId, viewer.id, "viewer");
  await addTestMember(p.projectId, admin.id, "admin");
  viewerToken = (await createTestToken(p.projectId, viewer.id, "viewer")).token;
  adminToken = (await createTestToken(p.projectId, admin.id, "admin")).token;
});

afterAll(async () => {
  await closeQueues();
  await deleteQueueKeys(prefix);
  await removeDir(p.dir);
});

const HEALTH = "/api/v1/projects/{project}/health-report";
const TARGETS = "/api/v1/projects/{project}/alert-targets";

describe("monitoring routes", () => {
  it("serves the health report to viewers, and `larder status` prints it", async () => {
    const res = await callRoute("GET", HEALTH, { params: { project: p.project }, headers: auth(viewerToken) });
    expect(res.status).toBe(200);
    const r = await json<{ status: string; views: { name: string; state: string }[]; counts: Record<string, number> }>(res);
    expect(r.status).toBe("healthy");
    expect(r.views).toEqual([{ name: "spend", state: "unknown", href: `/projects/${p.project}/feature-views/spend` }]);
    expect((await callRoute("GET", HEALTH, { params: { project: p.project } })).status).toBe(401);

    const lines: string[] = [];
    const program = new Command().exitOverride();
    const inProcess: typeof fetch = async (input, init) => callRoute("GET", HEALTH, { params: { project: decodeURIComponent(new URL(String(input)).pathname.split("/")[4]) }, headers: Object.fromEntries(new Headers(init?.headers).entries()) });
    registerStatusCommand(program, { client: () => createClient({ baseUrl: "http://larder.test", token: viewerToken, fetch: inProcess }), out: (l) => lines.push(l) });
    await program.parseAsync(["node", "larder", "status", "-p", p.project]);
    expect(lines[0]).toMatch(new RegExp(`^${p.project}: HEALTHY \\(as of `));
    expect(lines).toContain("Failing jobs: 0");
    expect(lines).toContain("  unknown  spend");
  });

  it("alert targets: admins only, validated, audited; the delivery log for admins", async () => {
    const params = { project: p.project };
    const deny = await callRoute("POST", TARGETS, { params, headers: auth(viewerToken), body: { channel: "email", address: "a@example.org" } });
    expect(deny.status).toBe(403);
    expect((await callRoute("GET", "/api/v1/projects/{project}/alert-deliveries", { params, headers: auth(viewerToken) })).status).toBe(403);

    const bad = await callRoute("POST", TARGETS, { params, headers: auth(adminToken), body: { channel: "webhook", address: "ftp://user:pw@example.org/x" } });
    expect(bad.status).toBe(400);
    expect(bad.headers.get("content-type")).toMatch(/application\/problem\+json/);
    const problem = await json<{ invalid_params: { name: string; reason: string }[] }>(bad);
    expect(problem.invalid_params).toEqual([{ name: "address", reason: expect.stringMatching(/http\(s\) URL without credentials/) }]);
    const badMail = await callRoute("POST", TARGETS, { params, headers: auth(adminToken), body: { channel: "email", address: "not-an-address" } });
    expect(badMail.status).toBe(400);
    const shortSecret = await callRoute("POST", TARGETS, { params, headers: auth(adminToken), body: { channel: "webhook", address: "https://hooks.example.org/x", secret: "short" } });
    expect(shortSecret.status).toBe(400);
    const unknownView = await callRoute("POST", TARGETS, { params, headers: auth(adminToken), body: { channel: "email", address: "a@example.org", view: "nope" } });
    expect(unknownView.status).toBe(404);
    const unknownEvent = await callRoute("POST", TARGETS, { params, headers: auth(adminToken), body: { channel: "email", address: "a@example.org", events: ["everything"] } });
    expect(unknownEvent.status).toBe(400);

    const ok = await callRoute("POST", TARGETS, { params, headers: auth(adminToken), body: { channel: "webhook", address: "https://hooks.example.org/larder", secret: "0123456789abcdef", view: "spend", events: ["stale", "drift"] } });
    expect(ok.status).toBe(201);
    const created = await json<{ id: string; signed: boolean; viewName: string; events: string[] }>(ok);
    expect(created).toMatchObject({ signed: true, viewName: "spend", events: ["stale", "drift"] });
    expect(JSON.stringify(created)).not.toContain("0123456789abcdef");
    const list = await json<{ items: { id: string }[] }>(await callRoute("GET", TARGETS, { params, headers: auth(adminToken) }));
    expect(list.items.map((t) => t.id)).toEqual([created.id]);
    const log = await callRoute("GET", "/api/v1/projects/{project}/alert-deliveries", { params, headers: auth(adminToken) });
    expect(log.status).toBe(200);
    expect((await callRoute("DELETE", `${TARGETS}/{targetId}`, { params: { ...params, targetId: created.id }, headers: auth(viewerToken) })).status).toBe(403);
    expect((await callRoute("DELETE", `${TARGETS}/{targetId}`, { params: { ...params, targetId: created.id }, headers: auth(adminToken) })).status).toBe(204);
    expect((await callRoute("DELETE", `${TARGETS}/{targetId}`, { params: { ...params, targetId: created.id }, headers: auth(adminToken) })).status).toBe(404);
    const audit = await db().auditLog.findMany({ where: { projectId: p.projectId, targetName: created.id }, orderBy: { at: "asc" } });
    expect(audit.map((a) => a.action)).toEqual(["alert_target.create", "alert_target.delete"]);
  });
});
