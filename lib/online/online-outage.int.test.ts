// The online store goes away under a running feature server and Next route: reads and pushes answer 503
// 503 (problem+json on /api/v1, Feast's error shape on the feature server) with Retry-After within a second or so (not a 500 after ioredis's ~10 s of
// reconnects), and answer 200 again once Redis is back, with no restart.
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST as onlineRoute } from "@/app/api/v1/projects/[project]/online-features/route";
import { resetEnvForTests } from "../config/env";
import { STORE_RETRY_AFTER_SECONDS } from "../errors/store-unavailable";
import { closeSharedRedis } from "../redis/connection";
import { startFeatureServer } from "../api/feature-server";
import { getFreshCatalog, invalidateCatalog } from "../registry/catalog-cache";
import { applyTestRepo, driverRepo, tokenFor, uniqueName } from "../../test/support/retrieval";

const project = uniqueName("ret_outage");
const LIVE_URL = process.env.ONLINE_REDIS_URL;
const request = { features: ["driver_hourly_stats:conv_rate"], entities: { driver_id: [1001] } };
let server: Server;
let base: string;
let consumer: string;
let operator: string;

async function pointOnlineAt(url: string | undefined) {
  await closeSharedRedis();
  if (url === undefined) delete process.env.ONLINE_REDIS_URL;
  else process.env.ONLINE_REDIS_URL = url;
  resetEnvForTests();
}

async function viaFeatureServer() {
  const t0 = Date.now();
  const res = await fetch(`${base}/get-online-features`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${consumer}` },
    body: JSON.stringify(request),
  });
  const text = await res.text();
  return { res, body: (text === "" ? null : JSON.parse(text)) as any, ms: Date.now() - t0 };
}

async function viaNextRoute() {
  const t0 = Date.now();
  const res = await onlineRoute(
    new Request(`http://x/api/v1/projects/${project}/online-features`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${consumer}` },
      body: JSON.stringify(request),
    }),
    { params: Promise.resolve({ project }) },
  );
  const text = await res.text();
  return { res, body: (text === "" ? null : JSON.parse(text)) as any, ms: Date.now() - t0 };
}

async function pushViaFeatureServer() {
  const t0 = Date.now();
  const at = new Date(Date.now() - 60_000).toISOString();
  const res = await fetch(`${base}/push`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${operator}` },
    body: JSON.stringify({
      push_source_name: "driver_stats_push_source",
      df: { driver_id: [1001], event_timestamp: [at], created: [at], conv_rate: [0.5], acc_rate: [0.5], avg_daily_trips: [10] },
      to: "online",
    }),
  });
  const text = await res.text();
  return { res, body: (text === "" ? null : JSON.parse(text)) as any, ms: Date.now() - t0 };
}

beforeAll(async () => {
  const projectId = await applyTestRepo(driverRepo(project));
  consumer = (await tokenFor(projectId, "consumer")).token;
  operator = (await tokenFor(projectId, "operator")).token;
  server = await startFeatureServer(0, "127.0.0.1");
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await pointOnlineAt(LIVE_URL);
  await new Promise((r) => server?.close(r));
  await closeSharedRedis();
});

describe("online store outage", () => {
  it("answers 200 while Redis is up", async () => {
    expect((await viaFeatureServer()).res.status).toBe(200);
    expect((await viaNextRoute()).res.status).toBe(200);
  });

  it("answers 503 problem+json with Retry-After, within 5 s, while Redis is down", async () => {
    await pointOnlineAt("redis://127.0.0.1:3597"); // nothing listens here
    // Three rounds: the wait must stay short as the outage goes on (reconnect delays grow).
    for (const call of [1, 2, 3].flatMap(() => [viaFeatureServer, viaNextRoute, pushViaFeatureServer])) {
      const { res, body, ms } = await call();
      expect(res.status, JSON.stringify(body)).toBe(503);
      expect(res.headers.get("retry-after")).toBe(String(STORE_RETRY_AFTER_SECONDS));
      if (call === viaNextRoute) {
        expect(res.headers.get("content-type")).toBe("application/problem+json");
        expect(body).toMatchObject({ code: "unavailable", retryAfter: STORE_RETRY_AFTER_SECONDS });
        expect(body.detail).toMatch(/Redis is unreachable/);
      } else {
        // The feature server answers in Feast's shape: the error detail as a JSON string.
        expect(res.headers.get("content-type")).toBe("application/json");
        expect(JSON.parse(body as string)).toMatchObject({ module: "feast.errors", class: "FeastError", message: expect.stringMatching(/Redis is unreachable/) });
      }
      // ioredis alone would hold it for its 20 reconnect attempts (10 s and more).
      expect(ms).toBeLessThan(5_000);
    }
  });

  it("still loads a project's catalog from the registry (Postgres), and reloads once Redis answers again", async () => {
    // Historical retrieval, previews and snippet examples read the catalog, not the online values.
    invalidateCatalog(project);
    const down = await getFreshCatalog(project);
    expect(down.project).toBe(project);
    expect(down.views.has("driver_hourly_stats")).toBe(true);
    await pointOnlineAt(LIVE_URL);
    const up = await getFreshCatalog(project);
    expect(up).not.toBe(down); // loaded while the current generation was unknown: not reused
    expect(await getFreshCatalog(project)).toBe(up);
    await pointOnlineAt("redis://127.0.0.1:3597");
  });

  it("answers 200 again once Redis is back, without a restart", async () => {
    await pointOnlineAt(LIVE_URL);
    expect((await pushViaFeatureServer()).res.status).toBe(200);
    expect((await viaFeatureServer()).res.status).toBe(200);
    expect((await viaNextRoute()).res.status).toBe(200);
  });
});
