// The Next process's online read fast path (online-fast-path.ts) answers exactly what the route
// (route.ts through handle()) answers, byte for byte, for reads and for every refusal, and leaves
// every request that is not a bearer-token online read to the server's own handler (Next).
import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST as onlineRoute } from "@/app/api/v1/projects/[project]/online-features/route";
import { sharedRedis } from "../redis/connection";
import { forgetProjectInRedis } from "../../test/support/materialize";
import { applyTestRepo, tokenFor, uniqueName } from "../../test/support/retrieval";
import { entityKey, packValues } from "../online/keys";
import { writeOnlineBatch } from "../online/write-script";
import { env } from "../config/env";
import { installOnlineFastPath } from "./online-fast-path";
import { CREDENTIAL_FAILURE_LIMITS } from "../auth/credential-failures";

const project = uniqueName("fastpath");
const other = uniqueName("fastpath_other");
let consumer: string;
let otherToken: string;
let server: Server;
let base: string;

beforeAll(async () => {
  const repo = (name: string) => ({
    project: name,
    entities: [{ name: "driver", join_keys: [{ name: "driver_id", dtype: "int64" as const }] }],
    sources: [{ name: "s", kind: "push" as const, timestamp_field: "event_timestamp", schema: [{ name: "driver_id", dtype: "int64" as const }, { name: "a", dtype: "float64" as const }, { name: "b", dtype: "int64" as const }] }],
    feature_views: [{ name: "stats", entities: ["driver"], source: "s", ttl: "7d", features: [{ name: "a", dtype: "float64" as const }, { name: "b", dtype: "int64" as const }] }],
  });
  consumer = (await tokenFor(await applyTestRepo(repo(project)), "consumer")).token;
  otherToken = (await tokenFor(await applyTestRepo(repo(other)), "consumer")).token;
  const tsUs = BigInt(Date.now()) * 1000n;
  await writeOnlineBatch(sharedRedis("online"), {
    project,
    view: "stats",
    version: 1,
    asofUs: null,
    rows: [1, 9007199254740993n].map((id) => ({ key: entityKey(project, { driver_id: id }), tsUs, row: packValues(["42.0", "9223372036854775807"]), agg: null })),
  });
  expect(installOnlineFastPath()).toBe(true);
  expect(installOnlineFastPath()).toBe(false); // once per process
  // Stands in for Next: whatever reaches it answers 299 "next".
  server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      res.writeHead(299, { "content-type": "text/plain" });
      res.end("next");
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((r) => server?.close(r));
  await forgetProjectInRedis(sharedRedis("online"), project);
});

interface Call {
  path?: string;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
}

const url = (c: Call) => `${base}${c.path ?? `/api/v1/projects/${project}/online-features`}`;

async function viaFastPath(c: Call) {
  const res = await fetch(url(c), { method: c.method ?? "POST", headers: c.headers, body: c.body });
  return { status: res.status, type: res.headers.get("content-type"), id: res.headers.get("x-request-id"), auth: res.headers.get("www-authenticate"), text: await res.text() };
}

async function viaRoute(c: Call) {
  const p = (c.path ?? `/api/v1/projects/${project}/online-features`).split("/")[4];
  // As over HTTP, the request says its length (the 413 names it).
  const headers = c.body === undefined ? c.headers : { ...c.headers, "content-length": String(Buffer.byteLength(c.body)) };
  const res = await onlineRoute(new Request(url(c), { method: c.method ?? "POST", headers, body: c.body }), { params: Promise.resolve({ project: decodeURIComponent(p) }) });
  return { status: res.status, type: res.headers.get("content-type"), id: res.headers.get("x-request-id"), auth: res.headers.get("www-authenticate"), text: await res.text() };
}

const json = (token: string, extra: Record<string, string> = {}) => ({ "content-type": "application/json", authorization: `Bearer ${token}`, "x-request-id": "req-1", ...extra });
const read = (entities: unknown[] = [1, 9007199254740993n, 7]) =>
  `{"features":["stats:a","stats:b"],"entities":{"driver_id":[${entities.map((e) => (typeof e === "bigint" ? e.toString() : JSON.stringify(e))).join(",")}]}}`;

describe("the fast path answers as the route does", () => {
  const cases: [string, () => Call][] = [
    ["a read (int64 beyond 2^53, a whole float, a missing entity)", () => ({ headers: json(consumer), body: read() })],
    ["an unknown token (401)", () => ({ headers: json("ldr_nope"), body: read() })],
    ["another project's token (403)", () => ({ headers: json(otherToken), body: read() })],
    ["a project that does not exist", () => ({ path: `/api/v1/projects/nope_${project}/online-features`, headers: json(consumer), body: read() })],
    ["an invalid project name in the path", () => ({ path: "/api/v1/projects/Bad%20Name!/online-features", headers: json(consumer), body: read() })],
    ["invalid JSON", () => ({ headers: json(consumer), body: '{"features": [' })],
    ["an empty body", () => ({ headers: json(consumer), body: "" })],
    ["a body that is not UTF-8", () => ({ headers: json(consumer), body: Buffer.from([0x7b, 0xff, 0x7d]) as unknown as string })],
    ["a NUL in the project segment", () => ({ path: "/api/v1/projects/a%00b/online-features", headers: json(consumer), body: read() })],
    ["not JSON (415)", () => ({ headers: json(consumer, { "content-type": "text/plain" }), body: read() })],
    ["an unknown feature", () => ({ headers: json(consumer), body: '{"features":["stats:nope"],"entities":{"driver_id":[1]}}' })],
    ["a join key of the wrong type", () => ({ headers: json(consumer), body: '{"features":["stats:a"],"entities":{"driver_id":["x"]}}' })],
    ["a body over MAX_BODY_BYTES (413)", () => ({ headers: json(consumer), body: read(Array.from({ length: Math.ceil(env().MAX_BODY_BYTES / 8) + 10 }, (_, i) => 1_000_000 + i)) })],
  ];
  for (const [name, make] of cases) {
    it(name, async () => {
      const c = make();
      const [fast, route] = [await viaFastPath(c), await viaRoute(c)];
      expect(fast.text).not.toBe("next");
      expect(fast).toEqual(route);
    });
  }

  it("a read answers the values exactly and echoes or makes a request id", async () => {
    const a = await viaFastPath({ headers: json(consumer), body: read() });
    expect(a.status).toBe(200);
    expect(a.id).toBe("req-1");
    expect(a.text).toContain('"values":[42.0,42.0,null]');
    expect(a.text).toContain('"values":[9223372036854775807,9223372036854775807,null]');
    expect(a.text).toContain("9007199254740993");
    const { "x-request-id": _, ...noId } = json(consumer);
    const b = await viaFastPath({ headers: noId, body: read() });
    expect(b.id).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe("everything else goes on to the server's own handler", () => {
  const passes: [string, Call][] = [
    ["no credentials", { headers: { "content-type": "application/json" }, body: read() }],
    ["a session cookie", { headers: { "content-type": "application/json", cookie: "larder_session=abc" }, body: read() }],
    ["a non-bearer Authorization header", { headers: { "content-type": "application/json", authorization: "Basic eDp5" }, body: read() }],
    ["GET", { method: "GET", headers: { authorization: "Bearer x" } }],
    ["a longer path", { path: `/api/v1/projects/${project}/online-features/x`, headers: { authorization: "Bearer x" }, body: read() }],
    ["a trailing slash", { path: `/api/v1/projects/${project}/online-features/`, headers: { authorization: "Bearer x" }, body: read() }],
    ["another route", { path: `/api/v1/projects/${project}/push`, headers: { authorization: "Bearer x" }, body: "{}" }],
    ["a look-alike prefix", { path: `/x/api/v1/projects/${project}/online-features`, headers: { authorization: "Bearer x" }, body: read() }],
  ];
  for (const [name, c] of passes) {
    it(name, async () => {
      const r = await viaFastPath(c);
      expect([r.status, r.text]).toEqual([299, "next"]);
    });
  }
  it("a query string (handle() checks it)", async () => {
    const r = await viaFastPath({ path: `/api/v1/projects/${project}/online-features?x=1`, headers: json(consumer), body: read() });
    expect([r.status, r.text]).toEqual([299, "next"]);
  });
});

describe("the fast path keeps the credential-failure limits (docs/security.md)", () => {
  /** A read sent from a loopback address of this test's own, so no other test's failures count. */
  const fromOwnAddress = (token: string) =>
    new Promise<{ status: number; type: string | undefined; retryAfter: string | undefined; text: string }>((resolve, reject) => {
      const body = read();
      const req = request(url({}), { method: "POST", localAddress: "127.0.0.77", headers: { ...json(token), "content-length": Buffer.byteLength(body) } }, (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (c: string) => (text += c));
        res.on("end", () => resolve({ status: res.statusCode!, type: res.headers["content-type"], retryAfter: res.headers["retry-after"] as string | undefined, text }));
      });
      req.on("error", reject);
      req.end(body);
    });

  it(`answers 429 after ${CREDENTIAL_FAILURE_LIMITS.addressFailures} failed tokens from one address, then refuses even a valid token from it`, async () => {
    for (let i = 0; i < CREDENTIAL_FAILURE_LIMITS.addressFailures; i++) {
      const r = await fromOwnAddress(`ldr_guess${i}_${"x".repeat(40)}`);
      expect(r.status, `failure ${i + 1}`).toBe(401);
    }
    const refused = await fromOwnAddress("ldr_guessnext_" + "y".repeat(40));
    expect(refused.status).toBe(429);
    expect(refused.type).toMatch(/application\/problem\+json/);
    expect(Number(refused.retryAfter)).toBeGreaterThan(0);
    expect(refused.text).not.toBe("next");
    expect((await fromOwnAddress(consumer)).status).toBe(429);
  });
});
