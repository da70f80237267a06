// Bad input never reaches a use case and never yields a 500: malformed JSON, wrong content type,
// empty, non-object and oversized bodies, unknown fields, wrong types and bad query parameters all
// get a 4xx application/problem+json that says what to fix. Generic over ALL_ENDPOINTS (so later
// endpoints are covered), plus field-level checks on a few real endpoints.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { env } from "../config/env";
import { log } from "../config/log";
import { disconnectDb } from "../db/client";
import type { Problem as ApiProblem } from "./problem";
import type { Endpoint } from "./endpoint";
import { ALL_ENDPOINTS } from "./endpoints";
import { TEST_ORIGIN, callRoute, fillPath, loadRoute, pathParamNames } from "../../test/fixtures/api";
import { createTestProject, instanceAdminHeaders } from "../../test/fixtures/auth";

type Problem = ApiProblem;

let adminHeaders: Record<string, string>;
let projectName: string;

beforeAll(async () => {
  // The instance admin passes every permission, so only the input decides the answer.
  adminHeaders = await instanceAdminHeaders();
  projectName = (await createTestProject("badinput")).name;
});

afterAll(async () => {
  await disconnectDb();
});

function paramsFor(ep: Endpoint): Record<string, string> {
  return Object.fromEntries(pathParamNames(ep.path).map((n) => [n, n === "project" ? projectName : `bad_input_missing_${n}`]));
}

async function send(ep: Endpoint, init: { body?: BodyInit; headers?: Record<string, string>; query?: string }): Promise<Response> {
  const mod = await loadRoute(ep.path);
  const handler = mod[ep.method] as (req: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;
  const params = paramsFor(ep);
  const url = new URL(fillPath(ep.path, params) + (init.query ?? ""), TEST_ORIGIN);
  const req = new Request(url, {
    method: ep.method,
    headers: { ...adminHeaders, ...init.headers },
    body: init.body,
    ...(init.body instanceof ReadableStream ? { duplex: "half" } : {}),
  } as RequestInit);
  return handler(req, { params: Promise.resolve(params) });
}

async function expectProblem(res: Response, status: number | "4xx", label: string): Promise<Problem> {
  const text = await res.text();
  if (status === "4xx") expect(res.status >= 400 && res.status < 500, `${label}: got ${res.status} ${text.slice(0, 300)}`).toBe(true);
  else expect(res.status, `${label}: ${text.slice(0, 300)}`).toBe(status);
  expect(res.headers.get("content-type"), label).toMatch(/application\/problem\+json/);
  const p = JSON.parse(text) as Problem;
  expect(p.status).toBe(res.status);
  expect(p.detail.length, `${label}: detail says what to fix`).toBeGreaterThan(10);
  return p;
}

const json_ = { "content-type": "application/json" };
const jsonBodyEndpoints = ALL_ENDPOINTS.filter((ep) => ep.body);
const pagedEndpoints = ALL_ENDPOINTS.filter((ep) => ep.method === "GET" && ep.query && "shape" in ep.query && ["limit", "offset"].every((k) => k in (ep.query as unknown as { shape: object }).shape));

describe("JSON bodies (every endpoint with a body)", () => {
  it("has endpoints to check", () => {
    expect(jsonBodyEndpoints.length).toBeGreaterThanOrEqual(8);
    expect(pagedEndpoints.length).toBeGreaterThanOrEqual(4);
  });

  for (const ep of jsonBodyEndpoints) {
    describe(`${ep.method} ${ep.path}`, () => {
      it("malformed JSON → 400", async () => {
        const p = await expectProblem(await send(ep, { body: '{"name": "x",', headers: json_ }), 400, "malformed");
        expect(p.detail).toMatch(/not valid JSON/);
      });
      it("wrong content type → 415", async () => {
        await expectProblem(await send(ep, { body: "name=x", headers: { "content-type": "application/x-www-form-urlencoded" } }), 415, "form");
        await expectProblem(await send(ep, { body: '{"name":"x"}' }), "4xx", "no content type");
      });
      it("empty body → 400", async () => {
        await expectProblem(await send(ep, { body: "", headers: json_ }), 400, "empty");
        await expectProblem(await send(ep, { body: "   \n", headers: json_ }), 400, "blank");
      });
      it("non-object JSON → 400 with invalid_params", async () => {
        for (const body of ["null", "[]", "42", '"text"']) {
          const p = await expectProblem(await send(ep, { body, headers: json_ }), 400, body);
          expect(p.invalid_params?.length, body).toBeGreaterThan(0);
        }
      });
      it("unknown field → 400 naming it", async () => {
        const p = await expectProblem(await send(ep, { body: JSON.stringify({ surely_not_a_field: 1 }), headers: json_ }), 400, "unknown");
        expect(p.invalid_params?.length).toBeGreaterThan(0);
      });
      it("oversized body → 413, streamed or declared", async () => {
        const limit = ep.maxBodyBytes ?? env().MAX_BODY_BYTES;
        const big = `{"x":"${"a".repeat(limit)}"}`;
        await expectProblem(await send(ep, { body: big, headers: json_ }), 413, "oversized");
        const chunk = new TextEncoder().encode("a".repeat(64 * 1024));
        let sent = 0;
        const stream = new ReadableStream<Uint8Array>({
          pull(c) {
            if (sent > limit + chunk.byteLength) return c.close();
            sent += chunk.byteLength;
            c.enqueue(chunk);
          },
        });
        await expectProblem(await send(ep, { body: stream, headers: json_ }), 413, "streamed");
        await expectProblem(
          await send(ep, { body: "{}", headers: { ...json_, "content-length": String(limit + 1) } }),
          "4xx",
          "declared",
        );
      });
    });
  }
});

describe("query parameters (every paged list endpoint)", () => {
  for (const ep of pagedEndpoints) {
    it(`${ep.path}: bad limit/offset → 400 with invalid_params`, async () => {
      for (const q of ["?limit=abc", "?limit=0", "?limit=100000", "?offset=-1", "?limit=1.5", "?limit=1&limit=2"]) {
        const p = await expectProblem(await send(ep, { query: q }), 400, q);
        expect(p.invalid_params?.map((i) => i.name).join(","), q).toMatch(/query\.(limit|offset)/);
      }
    });
  }
});

describe("field-level messages on real endpoints", () => {
  it("create user: wrong types and values name each field", async () => {
    const res = await callRoute("POST", "/api/v1/users", {
      headers: adminHeaders,
      body: { email: 5, password: "short", isAdmin: "yes", name: ["x"] },
    });
    const p = await expectProblem(res, 400, "user");
    expect(p.invalid_params!.map((i) => i.name).sort()).toEqual(["email", "isAdmin", "name", "password"]);
  });

  it("create token: bad role and expiry are explained", async () => {
    const res = await callRoute("POST", "/api/v1/projects/{project}/tokens", {
      headers: adminHeaders,
      params: { project: projectName },
      body: { name: "", role: "owner", expiresInDays: "ten", restrictedGrants: ["not a name"] },
    });
    const p = await expectProblem(res, 400, "token");
    expect(p.invalid_params!.map((i) => i.name).sort()).toEqual(["expiresInDays", "name", "restrictedGrants.0", "role"]);
    expect(p.invalid_params!.find((i) => i.name === "role")!.reason).toMatch(/viewer/);
  });

  it("unknown query parameters on admin lists are refused, not ignored", async () => {
    const res = await callRoute("GET", "/api/v1/projects/{project}/members", {
      headers: adminHeaders,
      params: { project: projectName },
      query: { limt: "5" },
    });
    const p = await expectProblem(res, 400, "typo");
    expect(p.invalid_params!.map((i) => i.name).join()).toMatch(/query/);
  });

  it("an unknown project is a 404 that names it", async () => {
    const res = await callRoute("GET", "/api/v1/projects/{project}/members", { headers: adminHeaders, params: { project: "no_such_project_x" } });
    const p = await expectProblem(res, 404, "project");
    expect(p.detail).toContain("no_such_project_x");
  });
});

describe("a client that goes away mid-request", () => {
  it("gets no problem document and leaves no error log", async () => {
    const ep = ALL_ENDPOINTS.find((e) => e.id === "getOnlineFeatures" || (e.method === "POST" && e.path.endsWith("/online-features")))!;
    const mod = await loadRoute(ep.path);
    const handler = mod[ep.method] as (req: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;
    const abort = new AbortController();
    // The body stream breaks the way Node's does when the socket closes: "aborted".
    const body = new ReadableStream({
      start(c) {
        c.enqueue(new TextEncoder().encode('{"features": ['));
      },
      pull() {
        abort.abort();
        throw new Error("aborted");
      },
    });
    const logged: unknown[] = [];
    // Every request's lines go through a child of the root logger: catch them there.
    const fake = { error: (...a: unknown[]) => void logged.push(a), warn: (...a: unknown[]) => void logged.push(a), info: () => {}, debug: () => {} };
    const child = vi.spyOn(log(), "child").mockReturnValue(fake as unknown as ReturnType<ReturnType<typeof log>["child"]>);
    try {
      const url = new URL(fillPath(ep.path, paramsFor(ep)), TEST_ORIGIN);
      const req = new Request(url, { method: "POST", headers: { ...adminHeaders, ...json_ }, body, signal: abort.signal, duplex: "half" } as RequestInit);
      const res = await handler(req, { params: Promise.resolve(paramsFor(ep)) });
      expect(res.status).toBe(499);
    } finally {
      child.mockRestore();
    }
    expect(logged).toEqual([]);
  });
});
