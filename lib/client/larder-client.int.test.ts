// The SDK end to end: push (online + offline) and online reads through the lean feature server,
// then materialization reads the pushed `_push` files and historical retrieval (through the route
// handler, via the SDK's fetch hook) returns the pushed values at their times.
import type { Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST as pushRoute } from "@/app/api/v1/projects/[project]/push/route";
import { POST as historicalRoute } from "@/app/api/v1/projects/[project]/historical-features/route";
import { db } from "../db/client";
import { materializeWindow } from "../materialize/materialize-window";
import { startFeatureServer } from "../api/feature-server";
import { applyTestRepo, driverRepo, tokenFor, uniqueName } from "../../test/support/retrieval";
import { parseEntityOption } from "../cli/commands/retrieval";
import { LarderClient, LarderHttpError, onlineRows } from "./index";

const PORT = 6602;
const project = uniqueName("ret_sdk");
let server: Server;
let projectId: string;
let operator: string;
const H = 3_600_000;
const now = Math.floor(Date.now() / 1000) * 1000;
const iso = (ms: number) => new Date(ms).toISOString();

/** Routes API paths to the route handlers in process (no Next server needed). */
const apiFetch: typeof fetch = async (input, init) => {
  const url = new URL(String(input));
  if (url.host !== "api.test") return fetch(input, init);
  const m = /^\/api\/v1\/projects\/([^/]+)\/(historical-features|push)$/.exec(url.pathname);
  if (!m) return new Response("not routed in test", { status: 599 });
  const route = m[2] === "push" ? pushRoute : historicalRoute;
  return route(new Request(url, init as RequestInit), { params: Promise.resolve({ project: decodeURIComponent(m[1]) }) });
};

beforeAll(async () => {
  projectId = await applyTestRepo(driverRepo(project));
  operator = (await tokenFor(projectId, "operator")).token;
  server = await startFeatureServer(PORT, "127.0.0.1");
});

afterAll(async () => {
  await new Promise((r) => server?.close(r));
});

describe("LarderClient", () => {
  it("pushes, reads online, and reads the pushed rows back point-in-time after materialization", async () => {
    const sdk = new LarderClient({ baseUrl: "http://api.test", token: operator, featureServerUrl: `http://127.0.0.1:${PORT}`, fetch: apiFetch });
    const pushed = await sdk.push(project, {
      push_source_name: "driver_stats_push_source",
      df: {
        driver_id: [1001, 1002, 1001],
        event_timestamp: [iso(now - 3 * H), iso(now - 3 * H), iso(now - 2 * H)],
        created: [iso(now - 3 * H), iso(now - 3 * H), iso(now - 2 * H)],
        conv_rate: [0.1, 0.2, 0.3],
        acc_rate: [0.5, 0.6, 0.7],
        avg_daily_trips: [10, 20, 30],
      },
      to: "online_and_offline",
    });
    expect(pushed.rows).toBe(3);
    expect(pushed.offline?.files.length).toBeGreaterThanOrEqual(1);

    const online = await sdk.getOnlineFeatures(project, { features: ["driver_hourly_stats:conv_rate", "driver_hourly_stats:avg_daily_trips"], entities: { driver_id: [1001, 1002, 1003] } });
    expect(onlineRows(online)).toEqual([
      { driver_id: 1001, conv_rate: 0.3, avg_daily_trips: 30 },
      { driver_id: 1002, conv_rate: 0.2, avg_daily_trips: 20 },
      { driver_id: 1003, conv_rate: null, avg_daily_trips: null },
    ]);

    // Materialization reads the _push files as the view's source.
    const v = await db().featureViewVersion.findFirstOrThrow({ where: { featureView: { projectId, name: "driver_hourly_stats" }, version: 1 } });
    const start = new Date(now - 2 * 86_400_000);
    const end = new Date(now);
    await materializeWindow({ projectName: project, viewName: "driver_hourly_stats", version: 1, versionId: v.id, start, end, writeOffline: true, writeOnline: false, jobId: "sdk-test" });
    await db().materializedInterval.create({ data: { versionId: v.id, start, end, offline: true } });

    const hist = await sdk.getHistoricalFeatures(project, {
      features: ["driver_hourly_stats:conv_rate"],
      entities: {
        rows: [
          { driver_id: 1001, event_timestamp: iso(now - 2.5 * H) },
          { driver_id: 1001, event_timestamp: iso(now - H) },
          { driver_id: 1002, event_timestamp: iso(now - 4 * H) },
        ],
      },
    });
    expect("columns" in hist && hist.rows.map((r) => r.conv_rate)).toEqual([0.1, 0.3, null]);
  });

  it("surfaces the feature server's Feast-shaped errors as LarderHttpError with the detail", async () => {
    const sdk = new LarderClient({ baseUrl: "http://api.test", token: operator, featureServerUrl: `http://127.0.0.1:${PORT}` });
    const err = await sdk.getOnlineFeatures(project, { features: ["driver_hourly_stats:nope"], entities: { driver_id: [1] } }).catch((e) => e);
    expect(err).toBeInstanceOf(LarderHttpError);
    expect(err.status).toBe(404);
    expect(err.problem.code).toBe("FeastObjectNotFoundException");
    expect(err.problem.detail).toMatch(/"nope" does not exist/);
  });

  it("CLI entity options keep integers as strings (valid for int and string keys)", () => {
    expect(parseEntityOption("driver_id=1001,1002")).toEqual(["driver_id", ["1001", "1002"]]);
    expect(parseEntityOption("flag=true,false")).toEqual(["flag", [true, false]]);
    expect(() => parseEntityOption("nokey")).toThrow(/join_key=value/);
  });
});
