// The API fuzzer (issue 13; docs/security.md, "Running the adversarial suites"): for every operation
// of the OpenAPI document, hostile path segments, query values and bodies (test/support/fuzz.ts) sent
// in process with an instance administrator's credentials, so only the input decides the answer;
// then the feature server's routes over HTTP with a project admin token. Expected: no 5xx at all,
// and every /api/v1 4xx is application/problem+json. Deterministic: the same seed sends the same
// requests; a failure names the operation and the input.
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { disconnectDb } from "../db/client";
import { createFeatureServer } from "./feature-server";
import { ALL_ENDPOINTS } from "./endpoints";
import { openApiDocument } from "./openapi";
import { TEST_ORIGIN, fillPath, loadRoute } from "../../test/fixtures/api";
import { addTestMember, createTestSession, createTestToken, createTestUser } from "../../test/fixtures/auth";
import { seedRetailCatalog } from "../../test/fixtures/catalog";
import { NASTY_SEGMENTS, NASTY_VALUES, hostileBody, pick, plausible, prng, toJson, withField, fieldPaths, type Rng } from "../../test/support/fuzz";

const SEED = 0x13_08;
/** Requests per /api/v1 operation and per feature server route. */
const PER_OPERATION = 22;
const PER_FEATURE_SERVER_ROUTE = 30;
const TIMEOUT_MS = 10_000;
/** Requests in flight at once (the handlers mostly wait on Postgres). */
const CONCURRENCY = 8;

type Doc = ReturnType<typeof openApiDocument> & { components?: { schemas?: Record<string, Record<string, unknown>> } };
type Param = { in: "path" | "query"; name: string; schema?: Record<string, unknown> };
type Operation = { operationId: string; parameters?: Param[]; requestBody?: { content: Record<string, { schema?: Record<string, unknown> }> } };

let projectName = "";
let adminUserId = "";
let cookie = "";
let projectToken = "";
const failures: string[] = [];
const counts = { api: 0, api5xx: 0, featureServer: 0, featureServer5xx: 0, notProblem: 0 };

beforeAll(async () => {
  const { project } = await seedRetailCatalog("fuzz");
  projectName = project.name;
  const admin = await createTestUser({ isAdmin: true });
  adminUserId = admin.id;
  cookie = await createTestSession(admin.id);
  const owner = await createTestUser();
  await addTestMember(project.id, owner.id, "admin");
  projectToken = (await createTestToken(project.id, owner.id, "admin")).token;
});

afterAll(async () => {
  await disconnectDb();
});

function operations(): { method: string; path: string; op: Operation }[] {
  const doc = openApiDocument() as Doc;
  return Object.entries(doc.paths ?? {}).flatMap(([path, item]) =>
    Object.entries(item as Record<string, Operation>).map(([method, op]) => ({ method: method.toUpperCase(), path, op })),
  );
}

/** Multipart, CSV and Parquet bodies for the historical upload: cut short, no boundary, garbage bytes. */
function hostileUpload(rng: Rng): { label: string; type: string; bytes: string | Uint8Array<ArrayBuffer> } {
  const part = (b: string, body: string) => `--${b}\r\ncontent-disposition: form-data; name="entities"; filename="e.csv"\r\ncontent-type: text/csv\r\n\r\n${body}`;
  const csv = pick(rng, [
    "customer_id,event_timestamp\n1,0000-01-01T00:00:00Z\n",
    "customer_id,event_timestamp\n1,2024-01-01T00:00:00Z\n",
    "customer_id,event_timestamp\n\u0000,\ud800\n",
    'customer_id,event_timestamp\n"unterminated,2024\n',
    "customer_id\n99999999999999999999999999\n",
    "a,b,c\n",
    "",
    "\xff\xfe\x00\x00",
  ]);
  return pick(rng, [
    { label: "multipart without boundary", type: "multipart/form-data", bytes: part("x", csv) + "\r\n--x--\r\n" },
    { label: "multipart cut short", type: "multipart/form-data; boundary=x", bytes: part("x", csv) },
    { label: "multipart other boundary", type: "multipart/form-data; boundary=y", bytes: part("x", csv) + "\r\n--x--\r\n" },
    { label: "multipart no file part", type: "multipart/form-data; boundary=x", bytes: `--x\r\ncontent-disposition: form-data; name="features"\r\n\r\n\u0000\r\n--x--\r\n` },
    { label: "multipart csv", type: "multipart/form-data; boundary=x", bytes: part("x", csv) + "\r\n--x--\r\n" },
    { label: `csv ${JSON.stringify(csv.slice(0, 30))}`, type: "text/csv", bytes: csv },
    { label: "parquet garbage", type: "application/vnd.apache.parquet", bytes: new Uint8Array([0x50, 0x41, 0x52, 0x31, 1, 2, 3, 0x50, 0x41, 0x52, 0x31]) },
    { label: "octet-stream csv", type: "application/octet-stream", bytes: csv },
    { label: "text/plain", type: "text/plain", bytes: csv },
  ]);
}

interface Probe {
  label: string;
  params: Record<string, string>;
  query: [string, string][];
  body?: string | Uint8Array<ArrayBuffer>;
  contentType?: string;
}

function probeFor(doc: Doc, op: Operation, rng: Rng): Probe {
  const params: Record<string, string> = {};
  const pathParams = (op.parameters ?? []).filter((p) => p.in === "path");
  const queryParams = (op.parameters ?? []).filter((p) => p.in === "query");
  for (const p of pathParams) params[p.name] = p.name === "project" ? projectName : String(plausible(doc, p.schema, rng));
  const probe: Probe = { label: "", params, query: [] };
  const json = op.requestBody?.content["application/json"];
  const upload = op.requestBody && !json ? true : op.requestBody && Object.keys(op.requestBody.content).length > 1;
  const kinds = [...(pathParams.length ? ["path"] : []), ...(queryParams.length ? ["query", "query"] : []), "unknown-query", ...(json ? ["body", "body", "body"] : []), ...(upload ? ["upload", "upload"] : [])];
  const kind = pick(rng, kinds);
  if (json) {
    probe.body = toJson(plausible(doc, json.schema, rng));
    probe.contentType = "application/json";
  }
  switch (kind) {
    case "path": {
      const p = pick(rng, pathParams);
      params[p.name] = pick(rng, NASTY_SEGMENTS);
      probe.label = `path ${p.name} = ${JSON.stringify(params[p.name].slice(0, 30))}`;
      break;
    }
    case "query": {
      const p = pick(rng, queryParams);
      const v = pick(rng, [...NASTY_SEGMENTS, "\ud800", "true", "-1", "1e400", "0000-01-01T00:00:00Z", ""]);
      probe.query.push([p.name, v]);
      if (rng() < 0.3) probe.query.push([p.name, "again"]);
      probe.label = `query ${p.name} = ${JSON.stringify(v.slice(0, 30))}`;
      break;
    }
    case "unknown-query": {
      const name = pick(rng, ["x", "\u0000", "__proto__", "limit[]", "a".repeat(500)]);
      probe.query.push([name, pick(rng, NASTY_SEGMENTS)]);
      probe.label = `unknown query ${JSON.stringify(name.slice(0, 20))}`;
      break;
    }
    case "body": {
      const b = hostileBody(doc, json!.schema, rng);
      probe.body = b.bytes;
      probe.label = `body ${b.label}`;
      if (rng() < 0.1) {
        probe.contentType = pick(rng, ["text/plain", "application/x-www-form-urlencoded", "application/json; charset=latin1", "application/jsonx"]);
        probe.label += ` as ${probe.contentType}`;
      }
      break;
    }
    case "upload": {
      const u = hostileUpload(rng);
      probe.body = u.bytes;
      probe.contentType = u.type;
      probe.label = `upload ${u.label}`;
      break;
    }
  }
  return probe;
}

async function inParallel<T>(items: T[], fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < items.length) await fn(items[next++]);
    }),
  );
}

async function withTimeout<T>(p: Promise<T>, label: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${label}: no answer in ${TIMEOUT_MS} ms`)), TIMEOUT_MS)));
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

describe("fuzzing every OpenAPI operation", () => {
  it("answers every hostile request with a 4xx problem (or a success), never a 5xx", { timeout: 300_000 }, async () => {
    const doc = openApiDocument() as Doc;
    const ops = operations();
    expect(ops.length).toBe(ALL_ENDPOINTS.length);
    const rng = prng(SEED);
    // Inputs are drawn in a fixed order (the seed decides them); they are sent CONCURRENCY at a time.
    const jobs: { method: string; path: string; op: Operation; probe: Probe }[] = [];
    for (const { method, path, op } of ops) for (let i = 0; i < PER_OPERATION; i++) jobs.push({ method, path, op, probe: probeFor(doc, op, rng) });
    await inParallel(jobs, async ({ method, path, op, probe }) => {
      const handler = (await loadRoute(path))[method] as (req: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;
      // Logging out ends the session it is sent with: that operation gets its own.
      const session = op.operationId === "logout" ? await createTestSession(adminUserId) : cookie;
      const headers = new Headers({ cookie: session, origin: TEST_ORIGIN });
      if (probe.contentType) headers.set("content-type", probe.contentType);
      let url: URL;
      try {
        url = new URL(fillPath(path, probe.params), TEST_ORIGIN);
      } catch {
        // A segment no URL can carry (encodeURIComponent refuses it): Next could never route it.
        url = new URL(path.replace(/[{}]/g, "_"), TEST_ORIGIN);
      }
      for (const [k, v] of probe.query) url.searchParams.append(k, v);
      const label = `${method} ${path} [${op.operationId}] ${probe.label}`;
      counts.api++;
      let res: Response;
      try {
        res = await withTimeout(handler(new Request(url, { method, headers, body: probe.body }), { params: Promise.resolve(probe.params) }), label);
      } catch (e) {
        failures.push(`${label}: threw ${(e as Error).message.slice(0, 200)}`);
        counts.api5xx++;
        return;
      }
      const text = await res.text();
      if (res.status >= 500) {
        counts.api5xx++;
        failures.push(`${label}: ${res.status} ${text.slice(0, 200)}`);
      } else if (res.status >= 400 && !/application\/problem\+json/.test(res.headers.get("content-type") ?? "")) {
        counts.notProblem++;
        failures.push(`${label}: ${res.status} as ${res.headers.get("content-type")}`);
      }
    });
    expect(failures).toEqual([]);
    expect(counts.api).toBeGreaterThanOrEqual(1400);
  });
});

// ---- the feature server ----------------------------------------------------------------------------

const FEATURE_SERVER_BODIES: Record<string, () => Record<string, unknown>> = {
  "/get-online-features": () => ({ features: ["customer_spend:amount_sum_7d", "customer_profile:age"], entities: { customer_id: [1, 2] }, full_feature_names: false }),
  "/push": () => ({ push_source_name: "transactions", df: { customer_id: [1], event_timestamp: ["2024-01-01T00:00:00Z"], amount: [1.5] }, to: "online" }),
  "/write-to-online-store": () => ({ feature_view_name: "customer_profile", df: { customer_id: [1], event_timestamp: ["2024-01-01T00:00:00Z"], age: [30], segment: ["a"] } }),
  "/materialize": () => ({ start_ts: "2024-01-01T00:00:00Z", end_ts: "2024-01-02T00:00:00Z", feature_views: ["customer_spend"] }),
  "/materialize-incremental": () => ({ end_ts: "2024-01-02T00:00:00Z", feature_views: ["customer_spend"] }),
};

describe("fuzzing the feature server", () => {
  let server: Server;
  let base = "";

  beforeAll(async () => {
    server = createFeatureServer();
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it("answers every hostile request with a 4xx (or a success), never a 5xx", async () => {
    const rng = prng(SEED + 1);
    const local: string[] = [];
    for (const [route, template] of Object.entries(FEATURE_SERVER_BODIES)) {
      for (let i = 0; i < PER_FEATURE_SERVER_ROUTE; i++) {
        const body = { ...template(), project: projectName };
        // Materialize synchronously would wait for workers this test does not run.
        const query = new URLSearchParams(route.startsWith("/materialize") ? { async: "true" } : {});
        let bytes: string | Uint8Array<ArrayBuffer>;
        let label: string;
        const roll = rng();
        if (roll < 0.6) {
          const path = pick(rng, fieldPaths(body).filter((p) => p[0] !== "project" || rng() < 0.3));
          const nasty = pick(rng, NASTY_VALUES);
          bytes = toJson(withField(body, path, nasty));
          label = `${path.join(".")} = ${toJson(nasty).slice(0, 40)}`;
        } else if (roll < 0.75) {
          const { project: _p, ...rest } = body;
          const v = pick(rng, [...NASTY_SEGMENTS, "\ud800"]);
          query.set("project", v);
          bytes = toJson(rest);
          label = `?project=${JSON.stringify(v.slice(0, 30))}`;
        } else {
          const b = hostileBody({}, undefined, rng);
          bytes = b.bytes;
          label = b.label;
        }
        const url = `${base}${route}${query.size ? `?${query}` : ""}`;
        counts.featureServer++;
        let status: number;
        let text: string;
        try {
          const res = await withTimeout(fetch(url, { method: "POST", headers: { authorization: `Bearer ${projectToken}`, "content-type": "application/json" }, body: bytes }), label);
          status = res.status;
          text = await res.text();
        } catch (e) {
          counts.featureServer5xx++;
          local.push(`${route} ${label}: ${(e as Error).message.slice(0, 200)}`);
          continue;
        }
        if (status >= 500) {
          counts.featureServer5xx++;
          local.push(`${route} ${label}: ${status} ${text.slice(0, 200)}`);
        }
      }
    }
    expect(local).toEqual([]);
    expect(counts.featureServer).toBe(Object.keys(FEATURE_SERVER_BODIES).length * PER_FEATURE_SERVER_ROUTE);
  });

  afterAll(() => {
    // The figures docs/security.md records.
    console.info(`fuzz: ${counts.api} /api/v1 requests (${counts.api5xx} 5xx, ${counts.notProblem} 4xx not problem+json), ${counts.featureServer} feature server requests (${counts.featureServer5xx} 5xx)`);
  });
});


