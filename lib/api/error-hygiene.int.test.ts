// Error hygiene (issue 13 item 9): no 4xx body carries an internal path (the upload's temp file,
// result or push files, .data/…) or DuckDB's binder text. Each attack goes through the real route
// with a real Postgres, Redis and DuckDB; the body of every answer is checked.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { disconnectDb } from "../db/client";
import { callRoute } from "../../test/fixtures/api";
import { driverRepo, applyTestRepo, tokenFor, uniqueName } from "../../test/support/retrieval";
import { duckErrorSummary, scrubPaths } from "../duckdb/error-text";

let project: string;
let consumer: string;

beforeAll(async () => {
  project = uniqueName("hygiene");
  const projectId = await applyTestRepo(driverRepo(project));
  consumer = (await tokenFor(projectId, "consumer")).token;
});
afterAll(async () => {
  await disconnectDb();
});

/** What no error body may carry. */
const INTERNAL = [/larder-upload-/, /\/tmp\//, /\.data\//, /_push\//, /_historical\//, /Binder Error/, /Candidate bindings/, /LINE \d+:/, /\^/];

function expectClean(text: string, label: string) {
  for (const re of INTERNAL) expect(text, `${label}: ${re}`).not.toMatch(re);
}

async function historical(body: BodyInit, type: string) {
  const res = await callRoute("POST", "/api/v1/projects/{project}/historical-features", {
    params: { project },
    query: { features: "driver_hourly_stats:conv_rate" },
    headers: { authorization: `Bearer ${consumer}`, "content-type": type, accept: "application/json" },
    body,
  });
  return { status: res.status, text: await res.text() };
}

describe("historical uploads that do not read", () => {
  const cases: [string, BodyInit, string][] = [
    ["Parquet that is not Parquet", "this is not parquet at all", "application/vnd.apache.parquet"],
    ["Parquet cut short", new Uint8Array([0x50, 0x41, 0x52, 0x31, 1, 2, 3]), "application/vnd.apache.parquet"],
    ["CSV with a join key that is no integer", "driver_id,event_timestamp\nabc,2024-01-01T00:00:00Z\n", "text/csv"],
    ["CSV with ragged rows", "driver_id,event_timestamp\n1,2024-01-01T00:00:00Z,x,y\n2\n", "text/csv"],
    ["CSV with binary garbage", "\u0000\u0001\u0002,\u00ff\n\u0000", "text/csv"],
    ["CSV without the join key", "other,event_timestamp\n1,2024-01-01T00:00:00Z\n", "text/csv"],
    ["CSV with a time that is no time", "driver_id,event_timestamp\n1,not-a-time\n", "text/csv"],
  ];
  it.each(cases)("%s: a 4xx that names no internal path and quotes no DuckDB internals", async (label, body, type) => {
    const r = await historical(body, type);
    expect(r.status, r.text).toBeGreaterThanOrEqual(400);
    expect(r.status, r.text).toBeLessThan(500);
    expectClean(r.text, label);
  });
});

describe("the DuckDB error texts", () => {
  it("scrubs absolute paths, file URIs and .data paths, and leaves URLs, numbers and SQL alone", () => {
    expect(scrubPaths("No magic bytes found at end of file '/tmp/larder-upload-1f.parquet'")).toBe("No magic bytes found at end of file '<path>'");
    expect(scrubPaths('Cannot open file "/work/main/.data/offline/p/_push/x.parquet": No such file')).toBe('Cannot open file "<path>": No such file');
    expect(scrubPaths("read file:///etc/passwd and .data/offline/x and ./.data/y")).toBe("read <path> and <path> and <path>");
    expect(scrubPaths("ENOENT: no such file or directory, open '/root/secret'")).toBe("ENOENT: no such file or directory, open '<path>'");
    expect(scrubPaths("x / 2 and 1/2 and https://example.com/a and 2024/01/01")).toBe("x / 2 and 1/2 and https://example.com/a and 2024/01/01");
  });

  it("keeps a binder error's first line about the user's SQL, without any path in it", () => {
    const e = new Error('Binder Error: Referenced column "nope" not found in FROM clause!\nCandidate bindings: "read_parquet(\'/srv/data/x.parquet\').a"\n\nLINE 1: SELECT nope FROM ...\n               ^');
    expect(duckErrorSummary(e)).toBe('Binder Error: Referenced column "nope" not found in FROM clause!');
    expect(duckErrorSummary(new Error("Permission Error: Cannot access file \"/etc/shadow\" - file system operations are disabled by configuration"))).toBe(
      'Permission Error: Cannot access file "<path>" - file system operations are disabled by configuration',
    );
  });
});

