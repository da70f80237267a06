// Every dtype round-trips exactly through every path (issue 14): values generated at the edges of
// each dtype are pushed (online and offline), materialized (Parquet and Redis), read online (the
// feature server and the Next route) and read historically (JSON, CSV and Parquet), and each path
// must give back exactly what was pushed: int64 at full range (JSON numbers and digit strings),
// float32/float64 in float form (a float32 as its stored float32's value), times to the microsecond,
// lists, bytes (base64), bools and nulls. Also: a push right after an apply, and pushes of times no
// store can hold (issue 13, item 7).
import fs from "node:fs/promises";
import type { Server } from "node:http";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST as onlineRoute } from "@/app/api/v1/projects/[project]/online-features/route";
import { POST as pushRoute } from "@/app/api/v1/projects/[project]/push/route";
import { db } from "../db/client";
import { withDuckConnection, qlit } from "../duckdb/instance";
import { startFeatureServer } from "../api/feature-server";
import { materializeWindow } from "../materialize/materialize-window";
import { getHistoricalFeatures } from "../offline/get-historical-features";
import { sharedRedis } from "../redis/connection";
import { parseJsonExact, writeJson } from "../shared/exact-json";
import { float32Text, float64Text } from "../shared/json-numbers";
import { isoFromUs, MAX_TIME_US, MIN_TIME_US, parseIsoUs } from "../shared/time-us";
import { callRoute } from "../../test/fixtures/api";
import { forgetProjectInRedis } from "../../test/support/materialize";
import { seededRandom } from "../../test/support/oracle";
import { applyTestRepo, tokenFor, uniqueName } from "../../test/support/retrieval";
import { env } from "../config/env";
import { entityKey } from "./keys";

const PORT = 6611;
const project = uniqueName("wire");
let projectId: string;
let operator: string;
let consumer: string;
let server: Server;
const admin = { kind: "user" as const, userId: "t", email: "t@example.com", name: "t", isAdmin: true, sessionId: "s", grants: [] };

const COLUMNS: [string, string][] = [
  ["i32", "int32"],
  ["i64", "int64"],
  ["f32", "float32"],
  ["f64", "float64"],
  ["s", "string"],
  ["b", "bool"],
  ["t", "timestamp"],
  ["by", "bytes"],
  ["li32", "list<int32>"],
  ["li64", "list<int64>"],
  ["lf32", "list<float32>"],
  ["lf64", "list<float64>"],
  ["ls", "list<string>"],
];
const FEATURES = COLUMNS.map(([name]) => name);

// ---- values at the edges of each dtype ----
const rnd = seededRandom(20240601);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
const INT32 = [-2147483648, 2147483647, 0, -1, 1, 123456789];
const INT64: (bigint | number | string)[] = [-9223372036854775808n, 9223372036854775807n, 9007199254740993n, -9007199254740993n, 9007199254740992n, 0, -1, 42, "9223372036854775807", "-17", "007"];
const F64 = [42, 0.1, 0.5, -0, 5e-324, 2.2250738585072014e-308, 1.7976931348623157e308, -1.7976931348623157e308, 1e16, 1e15, 1e-5, 1e-4, 123456.789, 1 / 3, 9007199254740993];
const F32 = [0.1, 42, 3.4028234663852886e38, -3.4028234663852886e38, 1.401298464324817e-45, 16777217, -0, 0.5, 1e-4];
const STR = ["", "é ✓ \u2028 😀", 'quote " and back\\slash', "tab\tnew\nline", "a,b]\"c\\[{", " leading space"];
const TIMES = ["0001-01-01T00:00:00Z", "9999-12-31T23:59:59.999999Z", "1969-12-31T23:59:59.999999Z", "1970-01-01T00:00:00Z", "2024-02-29T12:34:56.789012+05:30", "2024-06-01 00:00:00.000001", 1704164645.557058, 1704164645];
const BYTES = ["", "AA==", "/+8=", Buffer.from([0, 255, 1, 2, 3, 128]).toString("base64"), Buffer.from("larder").toString("base64")];

function randomFloat64(): number {
  const v = new DataView(new ArrayBuffer(8));
  for (;;) {
    v.setUint32(0, Math.floor(rnd() * 2 ** 32));
    v.setUint32(4, Math.floor(rnd() * 2 ** 32));
    const x = v.getFloat64(0);
    if (Number.isFinite(x)) return x;
  }
}

function valueOf(dtype: string): unknown {
  if (rnd() < 0.08) return null;
  switch (dtype) {
    case "int32":
      return pick(INT32);
    case "int64":
      return pick(INT64);
    case "float32":
      return pick(F32);
    case "float64":
      return rnd() < 0.3 ? randomFloat64() : pick(F64);
    case "string":
      return pick(STR);
    case "bool":
      return rnd() < 0.5;
    case "timestamp":
      return pick(TIMES);
    case "bytes":
      return pick(BYTES);
    default: {
      const inner = dtype.slice(5, -1);
      const n = Math.floor(rnd() * 4);
      // Lists: empty, null elements, and whole-number floats ([0.5, 1.0] must stay floats).
      const out = Array.from({ length: n }, () => (rnd() < 0.15 ? null : valueOf(inner)));
      if (inner.startsWith("float") && n > 0) out[0] = 1;
      return out;
    }
  }
}

// ---- the exact meaning of a value, to compare paths (not their spelling) ----
const usOfTime = (v: unknown): bigint => {
  if (typeof v === "number") return BigInt(Math.round(v * 1e6));
  const p = parseIsoUs(String(v));
  if ("error" in p) throw new Error(`${String(v)}: ${p.error}`);
  return p.us;
};
/** What a pushed value means, by dtype: ints BigInt, float32 rounded, −0.0 as 0.0, times µs, bytes hex. */
function meaning(dtype: string, v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (dtype.startsWith("list<")) return (v as unknown[]).map((x) => meaning(dtype.slice(5, -1), x));
  switch (dtype) {
    case "int32":
    case "int64":
      return BigInt(v as bigint | number | string);
    case "float64":
      return (v as number) === 0 ? 0 : v;
    case "float32":
      return Math.fround(v as number) || 0;
    case "timestamp":
      return usOfTime(v);
    case "bytes":
      return Buffer.from(v as string, "base64").toString("hex");
    default:
      return v;
  }
}
/** What a value read back from JSON means: seconds (online) or ISO (historical) times. */
function meaningRead(dtype: string, v: unknown, timesAs: "seconds" | "iso"): unknown {
  if (v === null || v === undefined) return null;
  if (dtype.startsWith("list<")) return (v as unknown[]).map((x) => meaningRead(dtype.slice(5, -1), x, timesAs));
  switch (dtype) {
    case "int32":
    case "int64":
      return BigInt(v as bigint | number);
    case "float32":
      return Math.fround(v as number);
    case "timestamp":
      // Raw JSON number text (rawColumns) or an ISO string.
      return timesAs === "iso" ? usOfTime(v) : usOfSecondsText(v);
    case "bytes":
      return Buffer.from(v as string, "base64").toString("hex");
    default:
      return v;
  }
}
/** Epoch seconds (a JSON number with up to six decimals) as µs, from its exact digits. */
function usOfSecondsText(v: unknown): bigint {
  const m = /^(-?)(\d+)(?:\.(\d{1,6}))?$/.exec(typeof v === "number" ? v.toFixed(6).replace(/\.?0+$/, "") : String(v));
  if (!m) throw new Error(`not epoch seconds: ${String(v)}`);
  const us = BigInt(m[2]) * 1_000_000n + BigInt((m[3] ?? "").padEnd(6, "0") || "0");
  return m[1] ? -us : us;
}
const same = (a: unknown, b: unknown) => expect(writeJsonWithZero(a)).toBe(writeJsonWithZero(b));
/** writeJson that tells -0 from 0 (JSON.stringify prints both as 0). */
function writeJsonWithZero(v: unknown): string {
  return writeJson(JSON.parse(JSON.stringify(v, (_k, x) => (typeof x === "bigint" ? `${x}n` : Object.is(x, -0) ? "-0" : x))));
}

// ---- the data ----
const N = 40;
const END_MS = Date.parse("2024-06-03T01:00:00Z");
const BASE_US = BigInt(Date.parse("2024-06-01T00:00:00Z")) * 1000n;
interface Row {
  id: bigint;
  ts: bigint;
  values: Record<string, unknown>;
}
const ids: bigint[] = [9223372036854775807n, -9223372036854775808n, 9007199254740993n, ...Array.from({ length: N - 3 }, (_, i) => BigInt(i + 1) * 1000003n)];
const rows: Row[] = ids.map((id, i) => ({
  id,
  // Distinct times to the microsecond, some on a whole second, some on a whole millisecond.
  ts: BASE_US + BigInt(i) * 3_600_000_000n + (i % 3 === 0 ? 0n : i % 3 === 1 ? 123_000n : 123_457n),
  values: Object.fromEntries(COLUMNS.map(([name, dtype]) => [name, valueOf(dtype)])),
}));
// Every edge value appears at least once, in order, for the scalar columns.
rows.forEach((r, i) => {
  r.values.i64 = INT64[i % INT64.length];
  r.values.f64 = F64[i % F64.length];
  r.values.f32 = F32[i % F32.length];
  r.values.t = TIMES[i % TIMES.length];
  r.values.by = BYTES[i % BYTES.length];
  r.values.s = STR[i % STR.length];
});
const df = (): Record<string, unknown[]> => ({
  // Ids sent both as JSON numbers (BigInt → digits) and as digit strings.
  id: rows.map((r, i) => (i % 2 ? String(r.id) : r.id)),
  event_timestamp: rows.map((r) => isoFromUs(r.ts)),
  ...Object.fromEntries(FEATURES.map((f) => [f, rows.map((r) => r.values[f])])),
});

async function post(pathName: string, body: unknown, token: string) {
  const res = await fetch(`http://127.0.0.1:${PORT}${pathName}`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: writeJson(body),
  });
  return { status: res.status, text: await res.text() };
}

beforeAll(async () => {
  projectId = await applyTestRepo({
    project,
    entities: [{ name: "thing", join_keys: [{ name: "id", dtype: "int64" }] }],
    sources: [{ name: "all_types", kind: "push", timestamp_field: "event_timestamp", schema: [{ name: "id", dtype: "int64" }, ...COLUMNS.map(([name, dtype]) => ({ name, dtype: dtype as "int64" }))] }],
    feature_views: [
      // Written online by push.
      { name: "pushed", entities: ["thing"], source: "all_types", features: COLUMNS.map(([name, dtype]) => ({ name, dtype: dtype as "int64" })) },
      // A transform: push leaves it to materialization, which writes it from the _push files.
      { name: "materialized", entities: ["thing"], source: "all_types", transform: "SELECT * FROM source", features: COLUMNS.map(([name, dtype]) => ({ name, dtype: dtype as "int64" })) },
    ],
  });
  operator = (await tokenFor(projectId, "operator")).token;
  consumer = (await tokenFor(projectId, "consumer")).token;
  server = await startFeatureServer(PORT, "127.0.0.1");
  const pushed = await post("/push", { push_source_name: "all_types", df: df(), to: "online_and_offline" }, operator);
  expect(pushed.status, pushed.text).toBe(200);
  const v = await db().featureViewVersion.findFirstOrThrow({ where: { featureView: { projectId, name: "materialized" }, version: 1 } });
  const start = new Date(Number(BASE_US / 1000n) - 86_400_000);
  // Not a midnight: the test records the interval itself (no job to say which partitions it wrote).
  const end = new Date(END_MS);
  await materializeWindow({ projectName: project, viewName: "materialized", version: 1, versionId: v.id, start, end, writeOffline: true, writeOnline: true, jobId: `wire-${project}` });
  await db().materializedInterval.create({ data: { versionId: v.id, start, end, online: true, offline: true } });
}, 120_000);

afterAll(async () => {
  await new Promise((r) => server?.close(r));
  await forgetProjectInRedis(sharedRedis("online"), project);
  await fs.rm(path.resolve(env().OFFLINE_STORE_URI, project), { recursive: true, force: true });
});

const onlineRequest = (view: string) => ({ features: FEATURES.map((f) => `${view}:${f}`), entities: { id: rows.map((r) => r.id) } });

describe("every dtype round-trips exactly", () => {
  it("push → online (feature server): values mean what was pushed, floats in float form, times to the µs", async () => {
    const r = await post("/get-online-features", onlineRequest("pushed"), consumer);
    expect(r.status, r.text).toBe(200);
    const body = parseJsonExact(r.text) as { results: { values: unknown[]; statuses: string[]; event_timestamps: string[] }[]; metadata: { feature_names: string[] } };
    expect(body.metadata.feature_names).toEqual(["id", ...FEATURES]);
    same(body.results[0].values.map((v) => BigInt(v as bigint)), rows.map((r) => r.id));
    const raw = rawColumns(r.text);
    COLUMNS.forEach(([name, dtype], c) => {
      const col = body.results[c + 1];
      rows.forEach((row, i) => {
        // Times: from the number's own digits (a double cannot hold µs past the year 2255).
        const got = dtype === "timestamp" ? (raw[c + 1][i] === "null" ? null : raw[c + 1][i]) : col.values[i];
        same(meaningRead(dtype, got, "seconds"), meaning(dtype, row.values[name]));
        expect(col.statuses[i]).toBe(row.values[name] === null ? "NULL_VALUE" : "PRESENT");
        expect(col.event_timestamps[i]).toBe(isoFromUs(row.ts));
      });
    });
    // Spelling: every float (scalars and list elements) in float form, as its dtype prints it.
    COLUMNS.forEach(([name, dtype], c) => {
      if (!dtype.includes("float")) return;
      rows.forEach((row, i) => {
        const want = row.values[name] === null ? "null" : dtype.startsWith("list<") ? `[${(meaning(dtype, row.values[name]) as (number | null)[]).map((x) => (x === null ? "null" : float64Text(x))).join(",")}]` : float64Text(meaning(dtype, row.values[name]) as number);
        expect(raw[c + 1][i], `${name} of ${row.id}`).toBe(want);
      });
    });
  });

  it("the Next route answers the same bytes as the feature server", async () => {
    const res = await onlineRoute(
      new Request(`http://localhost/api/v1/projects/${project}/online-features`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${consumer}` },
        body: writeJson(onlineRequest("pushed")),
      }),
      { params: Promise.resolve({ project }) },
    );
    expect(res.status).toBe(200);
    const viaServer = await post("/get-online-features", onlineRequest("pushed"), consumer);
    expect(await res.text()).toBe(viaServer.text);
  });

  it("materialization writes the same online text as push, value for value", async () => {
    const redis = sharedRedis("online");
    for (const row of rows) {
      const key = entityKey(project, { id: row.id.toString() });
      const [pTs, pRow, mTs, mRow] = await redis.hmget(key, "pushed@v1:__ts", "pushed@v1:__row", "materialized@v1:__ts", "materialized@v1:__row");
      expect(mTs).toBe(pTs);
      expect(mTs).toBe(row.ts.toString());
      // Compared element by element: the same JSON text for every dtype.
      const m = splitTop(mRow!);
      const p = splitTop(pRow!);
      FEATURES.forEach((f, k) => expect(m[k], `${f} of id ${row.id}`).toBe(p[k]));
    }
  });

  it("the Parquet offline store holds the typed values (int64 exact, float32 as float32, µs times, bytes)", async () => {
    const glob = path.resolve(env().OFFLINE_STORE_URI, project, "materialized", "v1", "date=*", "*.parquet");
    const got = await withDuckConnection(async (c) => {
      const r = await c.runAndReadAll(
        `SELECT CAST(id AS VARCHAR) AS id, epoch_us(event_timestamp)::VARCHAR AS ts, typeof(i64) AS ti64, typeof(f32) AS tf32, typeof(t) AS tt, typeof("by") AS tby,
                CAST(i64 AS VARCHAR) AS i64, CAST(epoch_us(t) AS VARCHAR) AS t, hex("by") AS "by", CAST(CAST(f32 AS DOUBLE) AS VARCHAR) AS f32, CAST(f64 AS VARCHAR) AS f64
         FROM read_parquet(${qlit(glob)}, hive_partitioning = false)`,
      );
      return r.getRowObjectsJson() as Record<string, string | null>[];
    });
    expect(got).toHaveLength(rows.length);
    const byId = new Map(got.map((g) => [g.id, g]));
    for (const row of rows) {
      const g = byId.get(row.id.toString())!;
      expect(g.ts).toBe(row.ts.toString());
      expect([g.ti64, g.tf32, g.tt, g.tby]).toEqual(["BIGINT", "FLOAT", "TIMESTAMP", "BLOB"]);
      same(g.i64 === null ? null : BigInt(g.i64), meaning("int64", row.values.i64));
      same(g.t === null ? null : BigInt(g.t), meaning("timestamp", row.values.t));
      same(g.by === null ? null : g.by.toLowerCase(), meaning("bytes", row.values.by));
      expect(g.f32).toBe(row.values.f32 === null ? null : float32Text(meaning("float32", row.values.f32) as number));
      expect(g.f64).toBe(row.values.f64 === null ? null : float64Text(meaning("float64", row.values.f64) as number));
    }
  });

  it("historical JSON, CSV and Parquet at each row's own microsecond give back what was pushed", async () => {
    const features = FEATURES.map((f) => `materialized:${f}`);
    const entities = { kind: "rows" as const, rows: rows.map((r) => ({ id: r.id, event_timestamp: isoFromUs(r.ts) })) };
    const json = await getHistoricalFeatures({ project, principal: admin, features, entities, format: "json", triggeredBy: "test" });
    if (json.kind !== "json") throw new Error(json.kind);
    const body = parseJsonExact(json.body) as { columns: string[]; rows: Record<string, unknown>[] };
    rows.forEach((row, i) => {
      const got = body.rows[i];
      same(BigInt(got.id as bigint), row.id);
      expect(got.event_timestamp).toBe(isoFromUs(row.ts).replace(/(\.\d+)?Z$/, (m) => `.${(m.slice(1, -1) || "").padEnd(6, "0")}Z`).replace("..", "."));
      for (const [name, dtype] of COLUMNS) same(meaningRead(dtype, got[name], "iso"), meaning(dtype, row.values[name]));
    });
    // Floats keep float form in the JSON text too.
    for (const row of rows) if (typeof row.values.f64 === "number") expect(json.body).toContain(`"f64":${float64Text(meaning("float64", row.values.f64) as number)}`);

    const csv = await getHistoricalFeatures({ project, principal: admin, features, entities, format: "csv", triggeredBy: "test" });
    if (csv.kind !== "file") throw new Error(csv.kind);
    const text = await fs.readFile(csv.path, "utf8");
    await csv.cleanup();
    const parquetOut = await getHistoricalFeatures({ project, principal: admin, features, entities, format: "parquet", triggeredBy: "test" });
    if (parquetOut.kind !== "file") throw new Error(parquetOut.kind);
    const copy = path.join(os.tmpdir(), `wire-${project}.parquet`);
    await fs.copyFile(parquetOut.path, copy);
    await parquetOut.cleanup();
    const [csvRows, pq] = await withDuckConnection(async (c) => {
      const file = path.join(os.tmpdir(), `wire-${project}.csv`);
      await fs.writeFile(file, text);
      const a = (await c.runAndReadAll(`SELECT * FROM read_csv(${qlit(file)}, header = true, all_varchar = true)`)).getRowObjectsJson() as Record<string, string | null>[];
      const b = (await c.runAndReadAll(`SELECT CAST(id AS VARCHAR) AS id, CAST(i64 AS VARCHAR) AS i64, typeof(f32) AS tf32, CAST(epoch_us(t) AS VARCHAR) AS t FROM read_parquet(${qlit(copy)})`)).getRowObjectsJson() as Record<string, string | null>[];
      await fs.rm(file, { force: true });
      return [a, b];
    });
    await fs.rm(copy, { force: true });
    rows.forEach((row, i) => {
      const cells = csvRows[i];
      expect(cells.id).toBe(row.id.toString());
      for (const [name, dtype] of COLUMNS) {
        const cell = cells[name];
        const v = cell === null || cell === "" ? null : dtype.startsWith("list<") ? parseJsonExact(cell) : dtype === "string" ? cell : dtype === "bool" ? cell === "true" : dtype.startsWith("int") ? BigInt(cell) : dtype.startsWith("float") ? Number(cell) : cell;
        if ((dtype === "string" || dtype === "bytes") && row.values[name] === "") continue; // CSV cannot tell "" from null
        same(meaningRead(dtype, v, "iso"), meaning(dtype, row.values[name]));
        if (dtype === "float64" && typeof row.values[name] === "number") expect(cell).toBe(float64Text(meaning(dtype, row.values[name]) as number));
      }
      expect(pq[i].id).toBe(row.id.toString());
      same(pq[i].i64 === null ? null : BigInt(pq[i].i64!), meaning("int64", row.values.i64));
      expect(pq[i].tf32).toBe("FLOAT");
      same(pq[i].t === null ? null : BigInt(pq[i].t!), meaning("timestamp", row.values.t));
    });
  });

  it("historical over HTTP: JSON entity_rows (bare int64 literals), CSV and Parquet uploads keep int64 beyond 2^53 and µs times", async () => {
    const features = FEATURES.map((f) => `materialized:${f}`);
    // The reference: the use case given the ids as BigInt (checked value by value above).
    const ref = await getHistoricalFeatures({ project, principal: admin, features, entities: { kind: "rows", rows: rows.map((r) => ({ id: r.id, event_timestamp: isoFromUs(r.ts) })) }, format: "json", triggeredBy: "test" });
    if (ref.kind !== "json") throw new Error(ref.kind);
    const want = (parseJsonExact(ref.body) as { rows: Record<string, unknown>[] }).rows;
    const call = async (body: BodyInit, type: string, query: Record<string, string> = {}) => {
      const res = await callRoute("POST", "/api/v1/projects/{project}/historical-features", {
        params: { project },
        query,
        headers: { authorization: `Bearer ${consumer}`, "content-type": type, accept: "application/json" },
        body,
      });
      const text = await res.text();
      expect(res.status, text).toBe(200);
      return { text, rows: (parseJsonExact(text) as { columns: string[]; rows: Record<string, unknown>[] }).rows };
    };
    const q = { features: features.join(",") };
    // JSON: ids as bare number literals (9223372036854775807, not a string), times with microseconds.
    const jsonText = writeJson({ features, entity_rows: rows.map((r) => ({ id: r.id, event_timestamp: isoFromUs(r.ts) })) });
    expect(jsonText).toContain('"id":9223372036854775807');
    expect(jsonText).toContain('"id":-9223372036854775808');
    expect(jsonText).toContain('"id":9007199254740993');
    const fromJson = await call(jsonText, "application/json");
    // CSV, join key and time only (read without type detection), \n line ends.
    const plainCsv = `id,event_timestamp\n${rows.map((r) => `${r.id},${isoFromUs(r.ts)}`).join("\n")}\n`;
    const fromCsv = await call(plainCsv, "text/csv", q);
    // CSV as a spreadsheet saves it: BOM, quoted header, CRLF, an extra column (types detected), a zone offset.
    const shifted = (us: bigint) => isoFromUs(us + 2n * 3_600_000_000n).replace("Z", "+02:00");
    const richCsv = `\uFEFF"id","event_timestamp","label"\r\n${rows.map((r, i) => `${r.id},${shifted(r.ts)},${i + 0.5}`).join("\r\n")}\r\n`;
    const fromRichCsv = await call(richCsv, "text/csv", q);
    const pq = path.join(os.tmpdir(), `wire-upload-${project}.parquet`);
    await withDuckConnection((c) =>
      c.run(
        `COPY (SELECT * FROM (VALUES ${rows.map((r) => `(CAST('${r.id}' AS BIGINT), make_timestamp(${r.ts}::BIGINT))`).join(", ")}) t(id, event_timestamp)) TO ${qlit(pq)} (FORMAT parquet)`,
      ),
    );
    const fromParquet = await call(new Uint8Array(await fs.readFile(pq)), "application/vnd.apache.parquet", q);
    await fs.rm(pq, { force: true });
    for (const [name, got] of Object.entries({ fromJson, fromCsv, fromRichCsv, fromParquet })) {
      expect(got.rows.length, name).toBe(rows.length);
      rows.forEach((row, i) => {
        const r = got.rows[i];
        expect(typeof r.id === "bigint" ? r.id : BigInt(r.id as number), `${name} row ${i} id`).toBe(row.id);
        expect(r.event_timestamp, `${name} row ${i} time`).toBe(want[i].event_timestamp);
        for (const f of FEATURES) expect(writeJsonWithZero(r[f]), `${name} row ${i} ${f}`).toBe(writeJsonWithZero(want[i][f]));
      });
    }
    // The extra column keeps its detected type (a number, not text).
    expect(fromRichCsv.rows.map((r) => r.label)).toEqual(rows.map((_, i) => i + 0.5));
    // The answer's JSON spells the int64 ids as digits.
    expect(fromCsv.text).toContain('"id":9223372036854775807');
  });

  it("online equals historical at the materialization end", async () => {
    const end = END_MS;
    const online = await fetch(`http://127.0.0.1:${PORT}/get-online-features`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${consumer}` },
      body: writeJson(onlineRequest("materialized")),
    });
    const onlineText = await online.text();
    const o = parseJsonExact(onlineText) as { results: { values: unknown[] }[] };
    const h = await getHistoricalFeatures({
      project,
      principal: admin,
      features: FEATURES.map((f) => `materialized:${f}`),
      entities: { kind: "rows", rows: rows.map((r) => ({ id: r.id, event_timestamp: new Date(end).toISOString() })) },
      format: "json",
      triggeredBy: "test",
    });
    if (h.kind !== "json") throw new Error(h.kind);
    const hist = (parseJsonExact(h.body) as { rows: Record<string, unknown>[] }).rows;
    const raw = rawColumns(onlineText);
    COLUMNS.forEach(([name, dtype], c) =>
      rows.forEach((_, i) => {
        const got = dtype === "timestamp" ? (raw[c + 1][i] === "null" ? null : raw[c + 1][i]) : o.results[c + 1].values[i];
        same(meaningRead(dtype, got, "seconds"), meaningRead(dtype, hist[i][name], "iso"));
      }),
    );
  });
});

/** Each results column's values as raw JSON text (the feature server's bytes: `{"values":[…],"statuses"…`). */
function rawColumns(text: string): string[][] {
  const out: string[][] = [];
  let at = text.indexOf('{"values":[');
  while (at >= 0) {
    const start = at + '{"values":'.length;
    const end = text.indexOf('],"statuses":', start);
    out.push(splitTop(text.slice(start, end + 1)));
    at = text.indexOf('{"values":[', end);
  }
  return out;
}

/** The top-level elements of a packed JSON array, as text. */
function splitTop(packed: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let inStr = false;
  let start = 1;
  for (let i = 1; i < packed.length - 1; i++) {
    const c = packed[i];
    if (inStr) {
      if (c === "\\") i++;
      else if (c === '"') inStr = false;
    } else if (c === '"') inStr = true;
    else if (c === "[" || c === "{") depth++;
    else if (c === "]" || c === "}") depth--;
    else if (c === "," && depth === 0) {
      out.push(packed.slice(start, i));
      start = i + 1;
    }
  }
  if (packed.length > 2) out.push(packed.slice(start, packed.length - 1));
  return out;
}

describe("push refuses what no store can hold, and sees a fresh registry", () => {
  it("a time no store can hold is refused on both servers (422 Feast-shaped, 400 problem+json); reads and later pushes keep working (issue 13, item 7)", async () => {
    const one = Object.fromEntries(Object.entries(df()).map(([k, v]) => [k, [v[0]]]));
    const bad = { push_source_name: "all_types", df: { ...one, id: [5], event_timestamp: [1e20] as unknown[] }, to: "online" };
    const viaServer = await post("/push", bad, operator);
    expect(viaServer.status).toBe(422);
    expect(JSON.parse(JSON.parse(viaServer.text) as string)).toMatchObject({ class: "FeastError", message: expect.stringMatching(/event_timestamp/) });
    const viaRoute = await pushRoute(
      new Request(`http://localhost/api/v1/projects/${project}/push`, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${operator}` }, body: writeJson(bad) }),
      { params: Promise.resolve({ project }) },
    );
    expect(viaRoute.status).toBe(400);
    expect(viaRoute.headers.get("content-type")).toContain("problem+json");
    for (const t of [-1e20, "10000-01-01T00:00:00Z", "0000-12-31T23:59:59Z", 253402300800000, MIN_TIME_US - 1n, MAX_TIME_US / 1000n + 1n]) {
      const r = await post("/push", { ...bad, df: { ...bad.df, event_timestamp: [t] } }, operator);
      expect(r.status, `${String(t)}: ${r.text}`).toBe(422);
    }
    // The representable edges are accepted; the entity reads, and a later valid push still lands.
    const edge = await post("/push", { ...bad, df: { ...bad.df, event_timestamp: ["9999-12-31T23:59:59.999999Z"] } }, operator);
    expect(edge.status, edge.text).toBe(200);
    const read = await post("/get-online-features", { features: ["pushed:i32"], entities: { id: [5] } }, consumer);
    expect(read.status, read.text).toBe(200);
    expect(read.text).toContain("9999-12-31T23:59:59.999999Z");
  });

  it("df columns named like object internals are only extra columns (attack)", async () => {
    const one = Object.fromEntries(Object.entries(df()).map(([k, v]) => [k, [v[0]]]));
    const text = `{"push_source_name":"all_types","df":{"__proto__":[1],"constructor":[2],"length":[3],${writeJson(one).slice(1, -1)}},"to":"online"}`;
    const res = await pushRoute(
      new Request(`http://localhost/api/v1/projects/${project}/push`, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${operator}` }, body: text }),
      { params: Promise.resolve({ project }) },
    );
    const body = (await res.json()) as { ignored_columns: string[]; rows: number };
    expect(res.status, JSON.stringify(body)).toBe(200);
    expect(body.rows).toBe(1);
    // (zod's record parsing drops a "__proto__" key altogether.)
    expect(body.ignored_columns.filter((c) => c !== "__proto__").sort()).toEqual(["constructor", "length"]);
  });

  it("push right after an apply that adds a push source and a view works at once", async () => {
    const repo = {
      project,
      entities: [{ name: "thing", join_keys: [{ name: "id", dtype: "int64" as const }] }],
      sources: [
        { name: "all_types", kind: "push" as const, timestamp_field: "event_timestamp", schema: [{ name: "id", dtype: "int64" as const }, ...COLUMNS.map(([name, dtype]) => ({ name, dtype: dtype as "int64" }))] },
        { name: "late", kind: "push" as const, timestamp_field: "event_timestamp", schema: [{ name: "id", dtype: "int64" as const }, { name: "x", dtype: "float64" as const }] },
      ],
      feature_views: [
        { name: "pushed", entities: ["thing"], source: "all_types", features: COLUMNS.map(([name, dtype]) => ({ name, dtype: dtype as "int64" })) },
        { name: "materialized", entities: ["thing"], source: "all_types", transform: "SELECT * FROM source", features: COLUMNS.map(([name, dtype]) => ({ name, dtype: dtype as "int64" })) },
        { name: "late_view", entities: ["thing"], source: "late", features: [{ name: "x", dtype: "float64" as const }] },
      ],
    };
    // Warm this process's catalog, then apply (as another process would) and push at once.
    await post("/get-online-features", { features: ["pushed:i32"], entities: { id: [1] } }, consumer);
    await applyTestRepo(repo);
    const r = await post("/push", { push_source_name: "late", df: { id: [7], x: [2.0], event_timestamp: [new Date().toISOString()] } }, operator);
    expect(r.status, r.text).toBe(200);
    const read = await post("/get-online-features", { features: ["late_view:x"], entities: { id: [7] } }, consumer);
    expect(JSON.parse(read.text).results[1].values).toEqual([2]);
    expect(read.text).toContain("[2.0]");
  });
});
