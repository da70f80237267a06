// Issue 13, item 8: input Postgres cannot store or Larder cannot represent is a 400 problem+json that
// names the field, never a 500: NUL and undecodable bytes in path segments, NUL and lone surrogates
// in text fields, multipart without a boundary or cut short, and times outside 0001 … 9999 on every
// input that takes one (windows, entity tables, pushed rows, preview ranges).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { disconnectDb } from "../db/client";
import type { Problem as ApiProblem } from "./problem";
import { TEST_ORIGIN, callRoute, fillPath, loadRoute } from "../../test/fixtures/api";
import { bearer, createTestProject, instanceAdminHeaders } from "../../test/fixtures/auth";
import { applyTestRepo, driverRepo, tokenFor, uniqueName } from "../../test/support/retrieval";

type Problem = ApiProblem;

let adminHeaders: Record<string, string>;
let projectName: string;

beforeAll(async () => {
  // The instance admin passes every permission, so only the input decides the answer.
  adminHeaders = await instanceAdminHeaders();
  projectName = (await createTestProject("badbytes")).name;
});

afterAll(async () => {
  await disconnectDb();
});

async function problem(res: Response, label: string, status = 400): Promise<Problem> {
  const text = await res.text();
  expect(res.status, `${label}: ${text.slice(0, 300)}`).toBe(status);
  expect(res.headers.get("content-type"), label).toMatch(/application\/problem\+json/);
  return JSON.parse(text) as Problem;
}

const names = (p: Problem) => (p.invalid_params ?? []).map((i) => i.name);

describe("path segments", () => {
  // Next hands a segment it cannot decode (`%ff%fe`) through as it came; a NUL arrives decoded.
  const segments = ["a\u0000b", "%00", "%ff%fe", "%ed%a0%80", "\u0000"];
  for (const seg of segments) {
    it(`project ${JSON.stringify(seg)} → 400 naming the segment`, async () => {
      const res = await callRoute("GET", "/api/v1/projects/{project}/members", { headers: adminHeaders, params: { project: seg } });
      const text = await res.text();
      expect(res.status, text).toBeLessThan(500);
      expect(res.headers.get("content-type")).toMatch(/application\/problem\+json/);
      if (seg.includes("\u0000") || seg.includes("\ud800")) {
        expect(res.status, text).toBe(400);
        expect((JSON.parse(text) as Problem).invalid_params?.map((i) => i.name)).toContain("path.project");
      }
    });
    it(`view ${JSON.stringify(seg)} → 4xx, never 5xx`, async () => {
      const res = await callRoute("GET", "/api/v1/projects/{project}/feature-views/{view}", { headers: adminHeaders, params: { project: projectName, view: seg } });
      expect(res.status, await res.text()).toBeLessThan(500);
      expect(res.headers.get("content-type")).toMatch(/application\/problem\+json/);
    });
    it(`job id ${JSON.stringify(seg)} (unscoped) → 4xx, never 5xx`, async () => {
      const res = await callRoute("GET", "/api/v1/jobs/{jobId}", { headers: adminHeaders, params: { jobId: seg } });
      expect(res.status, await res.text()).toBeLessThan(500);
    });
  }
  it("a NUL in a query parameter → 400 naming it", async () => {
    const res = await callRoute("GET", "/api/v1/projects/{project}/features", { headers: adminHeaders, params: { project: projectName }, query: { q: "a\u0000" } });
    expect(names(await problem(res, "query NUL"))).toContain("query.q");
  });
});

describe("text fields", () => {
  it("a NUL in the login e-mail → 400 naming email", async () => {
    const res = await callRoute("POST", "/api/v1/auth/login", { headers: { origin: TEST_ORIGIN }, body: { email: "a\u0000@example.test", password: "whatever-it-is" } });
    expect(names(await problem(res, "login NUL"))).toEqual(["email"]);
  });
  it("a lone surrogate in a project description → 400 naming description", async () => {
    const res = await callRoute("POST", "/api/v1/projects", { headers: adminHeaders, body: { name: "surrogate_desc", description: "half \ud800 a pair" } });
    expect(names(await problem(res, "surrogate"))).toEqual(["description"]);
  });
  it("a lone surrogate or NUL in a feature view description → 400 naming description", async () => {
    for (const description of ["x\ud800", "\udc00", "nul\u0000"]) {
      const res = await callRoute("PATCH", "/api/v1/projects/{project}/feature-views/{view}", {
        headers: adminHeaders,
        params: { project: projectName, view: "some_view" },
        body: { description },
      });
      expect(names(await problem(res, JSON.stringify(description)))).toEqual(["description"]);
    }
  });
  it("a well-formed pair and other control characters are text Postgres can store", async () => {
    const res = await callRoute("POST", "/api/v1/projects", { headers: adminHeaders, body: { name: `pair_${Date.now().toString(36)}`, description: "emoji \ud83e\udd55, tab\t, bell\u0007" } });
    expect(res.status, await res.text()).toBe(201);
  });
});

describe("multipart historical uploads", () => {
  async function upload(body: string, contentType: string): Promise<Response> {
    const ep = "/api/v1/projects/{project}/historical-features";
    const handler = (await loadRoute(ep)).POST as (r: Request, c: { params: Promise<Record<string, string>> }) => Promise<Response>;
    const params = { project: projectName };
    const req = new Request(new URL(fillPath(ep, params), TEST_ORIGIN), { method: "POST", headers: { ...adminHeaders, "content-type": contentType }, body });
    return handler(req, { params: Promise.resolve(params) });
  }
  it("multipart without a boundary → 400", async () => {
    const p = await problem(await upload("--x\r\ncontent-disposition: form-data; name=entities\r\n\r\nabc\r\n--x--\r\n", "multipart/form-data"), "no boundary");
    expect(p.detail).toMatch(/multipart/i);
  });
  it("a truncated multipart body → 400", async () => {
    const p = await problem(await upload('--xyz\r\ncontent-disposition: form-data; name="entities"; filename="e.csv"\r\ncontent-type: text/csv\r\n\r\ncustomer_id,event_timestamp\r\n1,2024-', "multipart/form-data; boundary=xyz"), "truncated");
    expect(p.detail).toMatch(/multipart/i);
  });
});

describe("times outside 0001 … 9999", () => {
  for (const [label, start, end] of [
    ["year 0000", "0000-01-01T00:00:00Z", "2024-01-01T00:00:00Z"],
    ["year 10000", "2024-01-01T00:00:00Z", "+010000-01-01T00:00:00Z"],
    ["year 10000 plain", "2024-01-01T00:00:00Z", "10000-01-01T00:00:00Z"],
    ["a zone that pushes it before 0001", "0001-01-01T00:00:00+01:00", "2024-01-01T00:00:00Z"],
  ] as const) {
    for (const route of ["/api/v1/projects/{project}/materialize", "/api/v1/projects/{project}/backfill"] as const) {
      it(`${route.split("/").pop()}: ${label} → 400 naming the field`, async () => {
        const res = await callRoute("POST", route, { headers: adminHeaders, params: { project: projectName }, body: { start, end } });
        const p = await problem(res, label);
        expect(names(p).length, JSON.stringify(p)).toBeGreaterThan(0);
        expect(names(p).every((n) => n === "start" || n === "end")).toBe(true);
      });
    }
  }
});

describe("times outside 0001 … 9999 on every other timestamp input", () => {
  let project = "";
  let token = "";
  beforeAll(async () => {
    project = uniqueName("badtimes");
    const projectId = await applyTestRepo(driverRepo(project));
    token = (await tokenFor(projectId, "admin")).token;
  });
  const outside = ["0000-01-01T00:00:00Z", "+010000-01-01T00:00:00Z", "10000-01-01T00:00:00Z", "0001-01-01T00:00:00+01:00"];

  it("historical entity rows (JSON and CSV) → 400 naming the row", async () => {
    for (const t of outside) {
      const res = await callRoute("POST", "/api/v1/projects/{project}/historical-features", {
        params: { project },
        headers: bearer(token),
        body: { features: ["driver_hourly_stats:conv_rate"], entity_rows: [{ driver_id: 1001, event_timestamp: t }] },
      });
      const p = await problem(res, `json ${t}`);
      expect(p.detail, t).toMatch(/0001-01-01/);
      const csv = await callRoute("POST", "/api/v1/projects/{project}/historical-features", {
        params: { project },
        query: { features: "driver_hourly_stats:conv_rate" },
        headers: { ...bearer(token), "content-type": "text/csv" },
        body: `driver_id,event_timestamp\n1001,${t}\n`,
      });
      await problem(csv, `csv ${t}`);
    }
  });

  it("pushed rows → 400 naming the column", async () => {
    for (const t of outside) {
      const res = await callRoute("POST", "/api/v1/projects/{project}/push", {
        params: { project },
        headers: bearer(token),
        body: { push_source_name: "driver_stats_push_source", df: { driver_id: [1001], conv_rate: [0.5], acc_rate: [0.5], avg_daily_trips: [1], event_timestamp: [t], created: ["2024-01-01T00:00:00Z"] } },
      });
      const p = await problem(res, `push ${t}`);
      expect(names(p).join(), t).toMatch(/event_timestamp/);
    }
  });

  it("odd column names and values in a push (online, offline, both) never 5xx", async () => {
    for (const [col, v] of [["\u0000", 1], ["\ud800", 1], ["driver_id\u0000", 1], ["conv_rate", "\u0000"], ["conv_rate", "\ud800"]] as const) {
      for (const to of ["online", "offline", "online_and_offline"]) {
        const df: Record<string, unknown[]> = { driver_id: [1001], conv_rate: [0.5], acc_rate: [0.5], avg_daily_trips: [1], event_timestamp: ["2024-01-01T00:00:00Z"], created: ["2024-01-01T00:00:00Z"] };
        df[col] = [v];
        const res = await callRoute("POST", "/api/v1/projects/{project}/push", { params: { project }, headers: bearer(token), body: { push_source_name: "driver_stats_push_source", df, to } });
        const text = await res.text();
        expect(res.status, `${JSON.stringify(col)}=${JSON.stringify(v)} to ${to}: ${text.slice(0, 300)}`).toBeLessThan(500);
      }
    }
  });

  it("preview ranges → 400 naming query.start / query.end", async () => {
    for (const t of outside) {
      for (const k of ["start", "end"]) {
        const res = await callRoute("GET", "/api/v1/projects/{project}/feature-views/{view}/versions/{version}/preview", {
          params: { project, view: "driver_hourly_stats", version: "1" },
          query: { [k]: t },
          headers: bearer(token),
        });
        expect(names(await problem(res, `preview ${k}=${t}`))).toEqual([`query.${k}`]);
      }
    }
  });
});
