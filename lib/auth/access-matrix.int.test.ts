// The access matrix, route × role × token state (issue 13; docs/security.md, "Running the adversarial
// suites"): every OpenAPI operation × every kind of principal {anonymous, viewer, consumer, editor,
// admin of project A, admin of project B, instance admin} × every state of its credential {valid,
// expired, revoked, scoped to the wrong project, malformed}, against REAL objects of project A — a
// succeeded historical job with its result file, a view with pushed values, its source — so that a
// permission check that is missing shows up as a 2xx, not as a 404 on a name that exists nowhere.
//
// The expected decision comes from the endpoint's declared permission (and jobPermission) and the
// ladder written out below, never from the code under test. An unauthorized success is a 2xx to a
// principal the declaration refuses, or a 2xx whose body names project A or its job to a principal
// that cannot read project A (lists, search, profile). Both are counted; both must be 0. Refusals
// are exact: 401 without a credential that signs in, 403 without the permission, 404 for a job the
// caller cannot read. Generic over ALL_ENDPOINTS, so endpoints added later are covered without
// touching this file; the static half below proves no route exists outside the list.
import { readdirSync } from "node:fs";
import fs from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Endpoint } from "../api/endpoint";
import { ALL_ENDPOINTS } from "../api/endpoints";
import { openApiDocument } from "../api/openapi";
import { env } from "../config/env";
import { db, disconnectDb } from "../db/client";
import { presentedTokenPrefix } from "./credential-failures";
import { throttleStore } from "./login-throttle";
import { INSTANCE_PERMISSIONS, PROJECT_PERMISSIONS } from "./permissions";
import { TEST_ORIGIN, callRoute, fillPath, loadRoute, pathParamNames, routeFileFor } from "../../test/fixtures/api";
import { addTestMember, bearer, createTestSession, createTestToken, createTestUser } from "../../test/fixtures/auth";
import { applyTestRepo, driverRepo, succeededHistoricalJob, uniqueName } from "../../test/support/retrieval";

// Stated here on purpose, independent of lib/auth/permissions.ts.
const RANK: Record<string, number> = { viewer: 1, consumer: 2, operator: 3, editor: 4, admin: 5 };
const MIN_ROLE: Record<string, string> = {
  "catalog.read": "viewer",
  "jobs.read": "viewer",
  "alerts.subscribe": "viewer",
  "features.read": "consumer",
  "features.push": "operator",
  "jobs.run": "operator",
  "jobs.cancel": "operator",
  "definitions.plan": "editor",
  "definitions.apply": "editor",
  "definitions.edit": "editor",
  "definitions.restrict": "admin",
  "members.read": "admin",
  "members.manage": "admin",
  "tokens.manage": "admin",
  "alerts.manage": "admin",
  "audit.read": "admin",
};

/**
 * What the credential makes of its holder, as far as project A is concerned. A session cookie that
 * no longer signs in (expired, unknown) counts as no credential — a browser keeps sending stale
 * cookies, and public pages (sign-in, the OpenAPI document) must still answer — while a bearer
 * token that fails is refused outright, even on public endpoints.
 */
type Access =
  | { kind: "none" } // no credentials, or a session cookie that signs in no one
  | { kind: "invalid" } // a bearer token presented and refused: expired, revoked, malformed
  | { kind: "outsider" } // a valid principal with nothing in project A
  | { kind: "member"; role: string }
  | { kind: "instance_admin" };

interface Cell {
  principal: string;
  state: string;
  access: Access;
  headers: () => Promise<Record<string, string>>;
}

const PER_ROLE_STATES = ["valid", "expired", "revoked", "wrong project scope", "malformed"] as const;

/** May this access use this endpoint on project A? Only the declaration decides. */
function allowed(ep: Endpoint, a: Access): boolean {
  if (a.kind === "invalid") return false; // bad credentials are refused even on public endpoints
  const perm = ep.jobPermission ?? ep.permission;
  if (perm === "public") return true;
  if (a.kind === "none") return false;
  if (perm === "authenticated") return true;
  if (perm === "instance.admin") return a.kind === "instance_admin";
  const min = MIN_ROLE[perm];
  if (!min) throw new Error(`${ep.id}: permission ${perm} is not in the matrix's ladder`);
  if (a.kind === "instance_admin") return true;
  return a.kind === "member" && RANK[a.role] >= RANK[min];
}

/** The refusal a denied access gets. */
function refusals(ep: Endpoint, a: Access): number[] {
  if (a.kind === "none" || a.kind === "invalid") return [401];
  // A job in a project the caller cannot read is hidden; one it can read but not act on is refused.
  if (ep.jobPermission) return a.kind === "member" && RANK[a.role] >= RANK[MIN_ROLE["jobs.read"]] ? [403] : [404];
  return [403];
}

const canSeeProjectA = (a: Access) => a.kind === "member" || a.kind === "instance_admin";

const cells: Cell[] = [];
let projectA = "";
let jobId = "";
let resultFile = "";
const values: Record<string, string> = {};

beforeAll(async () => {
  projectA = uniqueName("mxa");
  const projectAId = await applyTestRepo(driverRepo(projectA));
  const projectB = await db().project.create({ data: { name: uniqueName("mxb") } });

  // A succeeded historical job over A's view, with its result file.
  ({ jobId, file: resultFile } = await succeededHistoricalJob(projectAId, projectA));

  const fixed = (h: Record<string, string>) => async () => h;
  // Sessions are minted per call: logout ends the session it is sent with.
  const session = (userId: string, expired = false) => async () => ({
    cookie: await createTestSession(userId, expired ? { expiresAt: new Date(Date.now() - 1000) } : {}),
    origin: TEST_ORIGIN,
  });
  const tamper = (token: string) => token.slice(0, -4) + (token.endsWith("AAAA") ? "BBBB" : "AAAA");
  // A tampered token keeps its real prefix, so repeated 401s count against that prefix
  // (credential-failures.ts) and would turn into 429s: the matrix resets that one key before each
  // call, to see the authorization decision itself.
  const malformed = (token: string) => {
    const key = `${env().QUEUE_PREFIX}:authfail:token:${presentedTokenPrefix(token)}`;
    return async () => {
      await throttleStore().del(key);
      return bearer(tamper(token));
    };
  };

  // Values pushed by A's admin, so online reads and previews have something to leak.
  const owner = await createTestUser();
  await addTestMember(projectAId, owner.id, "admin");
  const ownerToken = (await createTestToken(projectAId, owner.id, "admin")).token;
  const push = await callRoute("POST", "/api/v1/projects/{project}/push", {
    params: { project: projectA },
    headers: bearer(ownerToken),
    body: { push_source_name: "driver_stats_push_source", df: { driver_id: [1001], conv_rate: [0.5], acc_rate: [0.25], avg_daily_trips: [7], event_timestamp: [new Date().toISOString()], created: [new Date().toISOString()] }, to: "online_and_offline" },
  });
  expect(push.status, await push.text()).toBe(200);

  cells.push({ principal: "anonymous", state: "no credentials", access: { kind: "none" }, headers: fixed({}) });
  cells.push({ principal: "anonymous", state: "malformed", access: { kind: "invalid" }, headers: fixed(bearer("ldr_notatoken_0000000000000000000000000000000000000000000")) });
  cells.push({ principal: "anonymous", state: "malformed scheme", access: { kind: "invalid" }, headers: fixed({ authorization: "Basic dXNlcjpwYXNz" }) });

  for (const role of ["viewer", "consumer", "editor", "admin"]) {
    const user = await createTestUser();
    await addTestMember(projectAId, user.id, role as "viewer");
    await addTestMember(projectB.id, user.id, role as "viewer");
    const label = `${role} of A`;
    const valid = await createTestToken(projectAId, user.id, role as "viewer");
    const expired = await createTestToken(projectAId, user.id, role as "viewer", { expiresAt: new Date(Date.now() - 1000) });
    const revoked = await createTestToken(projectAId, user.id, role as "viewer", { revoked: true });
    const otherScope = await createTestToken(projectB.id, user.id, role as "viewer");
    const states: Record<(typeof PER_ROLE_STATES)[number], Cell> = {
      valid: { principal: label, state: "valid token", access: { kind: "member", role }, headers: fixed(bearer(valid.token)) },
      expired: { principal: label, state: "expired token", access: { kind: "invalid" }, headers: fixed(bearer(expired.token)) },
      revoked: { principal: label, state: "revoked token", access: { kind: "invalid" }, headers: fixed(bearer(revoked.token)) },
      "wrong project scope": { principal: label, state: "token scoped to project B", access: { kind: "outsider" }, headers: fixed(bearer(otherScope.token)) },
      malformed: { principal: label, state: "malformed token", access: { kind: "invalid" }, headers: malformed(valid.token) },
    };
    cells.push(...PER_ROLE_STATES.map((s) => states[s]));
    cells.push({ principal: label, state: "valid session", access: { kind: "member", role }, headers: session(user.id) });
    cells.push({ principal: label, state: "expired session", access: { kind: "none" }, headers: session(user.id, true) });
  }

  // An operator (only tokens have it in this ladder's tests) and a token whose creator was demoted:
  // capped at the creator's current role (viewer).
  const operator = await createTestUser();
  await addTestMember(projectAId, operator.id, "operator");
  cells.push({ principal: "operator of A", state: "valid token", access: { kind: "member", role: "operator" }, headers: fixed(bearer((await createTestToken(projectAId, operator.id, "operator")).token)) });
  const demoted = await createTestUser();
  await addTestMember(projectAId, demoted.id, "viewer");
  cells.push({ principal: "admin token of a creator now viewer", state: "valid token", access: { kind: "member", role: "viewer" }, headers: fixed(bearer((await createTestToken(projectAId, demoted.id, "admin")).token)) });
  const disabled = await createTestUser({ disabled: true });
  await addTestMember(projectAId, disabled.id, "admin");
  cells.push({ principal: "disabled admin of A", state: "valid session", access: { kind: "none" }, headers: session(disabled.id) });

  const adminB = await createTestUser();
  await addTestMember(projectB.id, adminB.id, "admin");
  const bValid = await createTestToken(projectB.id, adminB.id, "admin");
  cells.push(
    { principal: "admin of B", state: "valid token", access: { kind: "outsider" }, headers: fixed(bearer(bValid.token)) },
    { principal: "admin of B", state: "expired token", access: { kind: "invalid" }, headers: fixed(bearer((await createTestToken(projectB.id, adminB.id, "admin", { expiresAt: new Date(Date.now() - 1000) })).token)) },
    { principal: "admin of B", state: "revoked token", access: { kind: "invalid" }, headers: fixed(bearer((await createTestToken(projectB.id, adminB.id, "admin", { revoked: true })).token)) },
    { principal: "admin of B", state: "malformed token", access: { kind: "invalid" }, headers: malformed(bValid.token) },
    { principal: "admin of B", state: "valid session", access: { kind: "outsider" }, headers: session(adminB.id) },
    { principal: "admin of B", state: "expired session", access: { kind: "none" }, headers: session(adminB.id, true) },
  );

  const instanceAdmin = await createTestUser({ isAdmin: true });
  cells.push(
    { principal: "instance admin", state: "valid session", access: { kind: "instance_admin" }, headers: session(instanceAdmin.id) },
    { principal: "instance admin", state: "expired session", access: { kind: "none" }, headers: session(instanceAdmin.id, true) },
    { principal: "instance admin", state: "malformed session", access: { kind: "none" }, headers: fixed({ cookie: "larder_session=not-a-session", origin: TEST_ORIGIN }) },
  );

  Object.assign(values, {
    project: projectA,
    view: "driver_hourly_stats",
    version: "1",
    jobId,
    id: jobId,
    nodeId: "feature_view:driver_hourly_stats",
  });
});

afterAll(async () => {
  await fs.rm(resultFile, { force: true });
  await disconnectDb();
});

/** Real names of project A's objects; ids of things a call could destroy (members, tokens, targets) name nothing. */
function paramsFor(ep: Endpoint): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of pathParamNames(ep.path)) {
    if (name === "name") {
      const kind = ep.path.split("/{name}")[0].split("/").pop();
      out.name = kind === "entities" ? "driver" : kind === "sources" ? "driver_stats_push_source" : `matrix_missing_${kind}`;
    } else out[name] = values[name] ?? `matrix_missing_${name}`;
  }
  return out;
}

async function call(ep: Endpoint, cell: Cell): Promise<Response> {
  const handler = (await loadRoute(ep.path))[ep.method] as (req: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;
  const params = paramsFor(ep);
  const headers = new Headers(await cell.headers());
  let body: string | undefined;
  if (ep.body || ep.rawBody) {
    // Strict bodies refuse an unknown field after authorization: an allowed caller gets a 400 and
    // nothing changes; a refused one gets 401/403 before the body is read.
    headers.set("content-type", "application/json");
    body = JSON.stringify({ __access_matrix_probe__: true });
  }
  return handler(new Request(new URL(fillPath(ep.path, params), TEST_ORIGIN), { method: ep.method, headers, body }), { params: Promise.resolve(params) });
}

describe("access matrix", () => {
  it("states a ladder for every permission there is", () => {
    expect(Object.keys(MIN_ROLE).sort()).toEqual(Object.keys(PROJECT_PERMISSIONS).sort());
    for (const ep of ALL_ENDPOINTS) expect(ep.permission in PROJECT_PERMISSIONS || ep.permission in INSTANCE_PERMISSIONS, ep.id).toBe(true);
  });

  const totals = { size: 0, unauthorizedSuccesses: 0, reached: new Set<string>() };

  // One test per operation, every cell inside it: failures name the operation, the principal and the state.
  for (const ep of ALL_ENDPOINTS) {
    it(`${ep.method} ${ep.path} (${ep.jobPermission ?? ep.permission})`, async () => {
      const failures: string[] = [];
      let next = 0;
      await Promise.all(
        Array.from({ length: 8 }, async () => {
          while (next < cells.length) {
            const cell = cells[next++];
            totals.size++;
            const res = await call(ep, cell);
            const text = await res.text();
            const who = `${cell.principal}, ${cell.state}`;
            const ok = res.status >= 200 && res.status < 300;
            if (allowed(ep, cell.access)) {
              if (ok) totals.reached.add(ep.id);
              // The declaration says yes: a refusal means the oracle or the code is wrong.
              if (res.status === 401 || res.status === 403 || res.status >= 500) failures.push(`${who}: allowed, got ${res.status} ${text.slice(0, 200)}`);
            } else if (ok) {
              totals.unauthorizedSuccesses++;
              failures.push(`${who}: UNAUTHORIZED ${res.status} ${text.slice(0, 200)}`);
            } else if (!refusals(ep, cell.access).includes(res.status)) {
              failures.push(`${who}: refused with ${res.status}, expected ${refusals(ep, cell.access).join(" or ")} ${text.slice(0, 200)}`);
            }
            if (res.status >= 400 && !/application\/problem\+json/.test(res.headers.get("content-type") ?? "")) failures.push(`${who}: ${res.status} is not problem+json`);
            if (ok && !canSeeProjectA(cell.access) && (text.includes(projectA) || text.includes(jobId))) {
              totals.unauthorizedSuccesses++;
              failures.push(`${who}: ${res.status} names project A or its job`);
            }
          }
        }),
      );
      expect(failures).toEqual([]);
    });
  }

  it("covered every operation of the OpenAPI document, against real objects", () => {
    const doc = openApiDocument() as unknown as { paths: Record<string, Record<string, { operationId: string }>> };
    const operations = Object.values(doc.paths).flatMap((item) => Object.values(item).map((op) => op.operationId));
    expect(operations.sort()).toEqual(ALL_ENDPOINTS.map((e) => e.id).sort());
    expect(cells.length).toBeGreaterThanOrEqual(40);
    // The sensitive reads answered 2xx to someone allowed, so their refusals were refusals of a real object.
    const unreached = ["getHistoricalJobResult", "getJob", "getProjectJob", "listProjectJobs", "getFeatureViewVersion", "getFeatureViewVersionStats", "previewSource"].filter((id) => !totals.reached.has(id));
    expect(unreached).toEqual([]);
    console.info(`access matrix: ${ALL_ENDPOINTS.length} operations × ${cells.length} principal/credential cells = ${totals.size} requests; ${totals.unauthorizedSuccesses} unauthorized successes; ${totals.reached.size} operations answered 2xx to an allowed principal`);
    expect(totals.size).toBe(ALL_ENDPOINTS.length * cells.length);
    expect(totals.unauthorizedSuccesses).toBe(0);
  });
});

// ---- no route outside the matrix -----------------------------------------------------------------

const ROOT = path.resolve(import.meta.dirname, "../..");
const HTTP_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];
// Next route segment config may sit beside handlers; it is not a handler.
const SEGMENT_CONFIG = new Set(["dynamic", "dynamicParams", "revalidate", "fetchCache", "runtime", "preferredRegion", "maxDuration"]);

function routeFiles(): string[] {
  const dir = path.join(ROOT, "app/api");
  return (readdirSync(dir, { recursive: true }) as string[])
    .filter((f) => path.basename(f) === "route.ts" || path.basename(f) === "route.tsx")
    .map((f) => path.join(dir, f));
}

/** `<root>/app/api/v1/projects/[project]/route.ts` → `/api/v1/projects/{project}` */
function apiPathOf(file: string): string {
  const rel = path.relative(path.join(ROOT, "app"), path.dirname(file)).split(path.sep).join("/");
  return `/${rel}`.replace(/\[\.{3}([^\]]+)\]/g, "{$1}").replace(/\[([^\]]+)\]/g, "{$1}");
}

describe("no route outside the matrix", () => {
  it("lists each endpoint once, with a unique id, a known permission and an /api/v1 path", () => {
    const ids = new Set<string>();
    const keys = new Set<string>();
    for (const ep of ALL_ENDPOINTS) {
      expect(ids.has(ep.id), `duplicate id ${ep.id}`).toBe(false);
      ids.add(ep.id);
      const key = `${ep.method} ${ep.path}`;
      expect(keys.has(key), `duplicate ${key}`).toBe(false);
      keys.add(key);
      expect(ep.path.startsWith("/api/v1/"), ep.id).toBe(true);
      expect(ep.permission in PROJECT_PERMISSIONS || ep.permission in INSTANCE_PERMISSIONS, `${ep.id}: ${ep.permission}`).toBe(true);
      if (ep.permission in PROJECT_PERMISSIONS) expect(ep.path, `${ep.id} has a project permission`).toContain("{project}");
    }
  });

  it("every route file exports only handle() handlers whose contract is in ALL_ENDPOINTS at that path", async () => {
    const problems: string[] = [];
    const files = routeFiles();
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      const apiPath = apiPathOf(file);
      const mod = (await import(/* @vite-ignore */ file)) as Record<string, unknown>;
      for (const [name, value] of Object.entries(mod)) {
        if (SEGMENT_CONFIG.has(name)) continue;
        if (!HTTP_METHODS.includes(name)) {
          problems.push(`${apiPath}: exports "${name}", which is neither a handler nor route segment config`);
          continue;
        }
        const ep = (value as { endpoint?: Endpoint }).endpoint;
        if (typeof value !== "function" || !ep) {
          problems.push(`${name} ${apiPath}: not made by handle()`);
          continue;
        }
        if (!ALL_ENDPOINTS.includes(ep)) problems.push(`${name} ${apiPath}: endpoint ${ep.id} is not in ALL_ENDPOINTS`);
        if (ep.method !== name) problems.push(`${name} ${apiPath}: implements ${ep.id}, whose method is ${ep.method}`);
        if (ep.path !== apiPath) problems.push(`${name} ${apiPath}: implements ${ep.id}, whose path is ${ep.path}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it("every endpoint in ALL_ENDPOINTS has a route file exporting it", async () => {
    const missing: string[] = [];
    for (const ep of ALL_ENDPOINTS) {
      let mod: Record<string, unknown>;
      try {
        mod = await loadRoute(ep.path);
      } catch (e) {
        missing.push(`${ep.method} ${ep.path}: ${routeFileFor(ep.path)} cannot be loaded (${(e as Error).message.split("\n")[0]})`);
        continue;
      }
      if ((mod[ep.method] as { endpoint?: Endpoint } | undefined)?.endpoint !== ep) {
        missing.push(`${ep.method} ${ep.path}: the route file does not export ${ep.method} = handle(${ep.id}, …)`);
      }
    }
    expect(missing).toEqual([]);
  });
});
