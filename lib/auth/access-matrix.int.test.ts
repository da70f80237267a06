// The access matrix: every /api/v1 endpoint × every kind of caller gets exactly the status the
// permission table says. Generic over ALL_ENDPOINTS, so endpoints added later are covered without
// touching this file; the static half proves no route exists outside the list.
import { readdirSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Endpoint } from "../api/endpoint";
import { ALL_ENDPOINTS } from "../api/endpoints";
import { disconnectDb } from "../db/client";
import { INSTANCE_PERMISSIONS, PROJECT_PERMISSIONS } from "./permissions";
import { TEST_ORIGIN, fillPath, loadRoute, pathParamNames, routeFileFor } from "../../test/fixtures/api";
import {
  addTestMember,
  bearer,
  createTestProject,
  createTestSession,
  createTestToken,
  createTestUser,
} from "../../test/fixtures/auth";

// Independent of lib/auth/permissions' ROLE_RANK on purpose: the test states the ladder itself.
const RANK: Record<string, number> = { viewer: 1, consumer: 2, operator: 3, editor: 4, admin: 5 };

type Caller =
  | { label: string; kind: "anonymous" | "invalid" | "outsider" | "instance_admin"; headers: () => Promise<Record<string, string>> }
  | { label: string; kind: "member"; role: string; headers: () => Promise<Record<string, string>> };

const ALLOWED = "allowed" as const;
type Expectation = 401 | 403 | typeof ALLOWED;

function expected(ep: Endpoint, caller: Caller): Expectation {
  // Presenting bad credentials is refused outright, even on public endpoints.
  if (caller.kind === "invalid") return 401;
  const perm = ep.permission as string;
  if (perm in INSTANCE_PERMISSIONS) {
    const rule = INSTANCE_PERMISSIONS[perm as keyof typeof INSTANCE_PERMISSIONS];
    if (rule === "anyone") return ALLOWED;
    if (caller.kind === "anonymous") return 401;
    if (rule === "authenticated") return ALLOWED;
    return caller.kind === "instance_admin" ? ALLOWED : 403;
  }
  const min = PROJECT_PERMISSIONS[perm as keyof typeof PROJECT_PERMISSIONS];
  if (!min) throw new Error(`${ep.id}: unknown permission ${perm}`);
  if (caller.kind === "anonymous") return 401;
  if (caller.kind === "instance_admin") return ALLOWED;
  if (caller.kind !== "member") return 403; // outsiders: other project's token or member
  return RANK[caller.role] >= RANK[min] ? ALLOWED : 403;
}

const callers: Caller[] = [];
let projectName = "";

beforeAll(async () => {
  const project = await createTestProject("matrix");
  const otherProject = await createTestProject("matrix_other");
  projectName = project.name;

  const projectAdmin = await createTestUser();
  await addTestMember(project.id, projectAdmin.id, "admin");
  const otherAdmin = await createTestUser();
  await addTestMember(otherProject.id, otherAdmin.id, "admin");
  const instanceAdmin = await createTestUser({ isAdmin: true });

  const fixed = (h: Record<string, string>) => async () => h;
  // Sessions are minted per call: logout ends the session it is called with.
  const session = (userId: string) => async () => ({ cookie: await createTestSession(userId), origin: TEST_ORIGIN });

  callers.push({ label: "anonymous", kind: "anonymous", headers: fixed({}) });
  callers.push({ label: "bad token", kind: "invalid", headers: fixed(bearer("ldr_notatoken_0000000000000000000000000000000000000000000")) });
  callers.push({ label: "malformed Authorization", kind: "invalid", headers: fixed({ authorization: "Basic dXNlcjpwYXNz" }) });
  const revoked = await createTestToken(project.id, projectAdmin.id, "admin", { revoked: true });
  callers.push({ label: "revoked admin token", kind: "invalid", headers: fixed(bearer(revoked.token)) });
  const expired = await createTestToken(project.id, projectAdmin.id, "admin", { expiresAt: new Date(Date.now() - 1000) });
  callers.push({ label: "expired admin token", kind: "invalid", headers: fixed(bearer(expired.token)) });
  const otherToken = await createTestToken(otherProject.id, otherAdmin.id, "admin");
  callers.push({ label: "other project's admin token", kind: "outsider", headers: fixed(bearer(otherToken.token)) });
  callers.push({ label: "admin member of another project (session)", kind: "outsider", headers: session(otherAdmin.id) });
  for (const role of Object.keys(RANK)) {
    const t = await createTestToken(project.id, projectAdmin.id, role as "viewer");
    callers.push({ label: `${role} token`, kind: "member", role, headers: fixed(bearer(t.token)) });
  }
  // A token whose creator was demoted: capped at the creator's current role (viewer).
  const demoted = await createTestUser();
  await addTestMember(project.id, demoted.id, "viewer");
  const strongToken = await createTestToken(project.id, demoted.id, "admin");
  callers.push({ label: "admin token of a creator now viewer", kind: "member", role: "viewer", headers: fixed(bearer(strongToken.token)) });
  for (const role of ["viewer", "editor", "admin"]) {
    const u = await createTestUser();
    await addTestMember(project.id, u.id, role as "viewer");
    callers.push({ label: `${role} member (session)`, kind: "member", role, headers: session(u.id) });
  }
  const disabled = await createTestUser({ disabled: true });
  await addTestMember(project.id, disabled.id, "admin");
  callers.push({ label: "disabled admin member (session)", kind: "anonymous", headers: session(disabled.id) });
  callers.push({ label: "instance admin (session)", kind: "instance_admin", headers: session(instanceAdmin.id) });
});

afterAll(async () => {
  await disconnectDb();
});

/** Path values: the real project, and names that exist nowhere for everything else. */
function paramsFor(ep: Endpoint): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of pathParamNames(ep.path)) out[name] = name === "project" ? projectName : `matrix_missing_${name}`;
  return out;
}

async function call(ep: Endpoint, caller: Caller): Promise<Response> {
  const mod = await loadRoute(ep.path);
  const handler = mod[ep.method] as (req: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;
  const params = paramsFor(ep);
  const headers = new Headers(await caller.headers());
  let body: string | undefined;
  if (ep.body) {
    // Strict bodies reject an unknown field after authorization: allowed callers get a 400 and
    // nothing is changed, denied callers get 401/403 before the body is read.
    headers.set("content-type", "application/json");
    body = JSON.stringify({ __access_matrix_probe__: true });
  } else if (ep.rawBody) {
    headers.set("content-type", ep.rawBody.contentTypes[0]);
    body = "";
  }
  const url = new URL(fillPath(ep.path, params), TEST_ORIGIN);
  return handler(new Request(url, { method: ep.method, headers, body }), { params: Promise.resolve(params) });
}

describe("access matrix", () => {
  it("covers at least the auth and admin endpoints", () => {
    expect(ALL_ENDPOINTS.length).toBeGreaterThanOrEqual(18);
  });

  // One test per endpoint, every caller inside it: failures name the endpoint and the caller.
  for (const ep of ALL_ENDPOINTS) {
    it(`${ep.method} ${ep.path} (${ep.permission})`, async () => {
      const failures: string[] = [];
      for (const caller of callers) {
        const want = expected(ep, caller);
        const res = await call(ep, caller);
        const got = res.status;
        const ok = want === ALLOWED ? got !== 401 && got !== 403 && got < 500 : got === want;
        if (!ok) failures.push(`${caller.label}: expected ${want}, got ${got} ${(await res.text()).slice(0, 300)}`);
        else if (got >= 400) {
          expect(res.headers.get("content-type"), `${caller.label}`).toMatch(/application\/problem\+json/);
          await res.body?.cancel();
        } else await res.body?.cancel();
      }
      expect(failures).toEqual([]);
    });
  }
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
