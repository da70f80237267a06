// Issue 13 items 1 and 2, as an editor of one project would try them over HTTP: plan-time SQL that
// reads server files, and source paths outside the data roots (system files, URIs, another
// project's offline folder, a symlink out of a root). Each must be refused without a byte of the
// file it aimed at; a path that escapes is a 400 naming the allowed roots. Materialization checks
// the stored path again (a registry row written before the roots changed).
import fs from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { env } from "../config/env";
import { db } from "../db/client";
import { materializeWindow } from "../materialize/materialize-window";
import { createTestVersion, writeParquet } from "../../test/support/materialize";
import { callRoute } from "../../test/fixtures/api";
import { addTestMember, bearer, createTestProject, createTestToken, createTestUser } from "../../test/fixtures/auth";
import { testSourceDir } from "../../test/fixtures/data-roots";
import { SANDBOX_ATTEMPTS } from "../../test/support/attacks";

let project: { id: string; name: string };
let other: { id: string; name: string };
let token: string;
let dir: string;
let passwdFirstLine: string;

const attemptsRun = { transforms: 0, paths: 0, escapes: 0 };

beforeAll(async () => {
  project = await createTestProject("attack");
  other = await createTestProject("victim");
  const editor = await createTestUser();
  await addTestMember(project.id, editor.id, "editor");
  token = (await createTestToken(project.id, editor.id, "editor")).token;
  dir = await testSourceDir("attack");
  await writeParquet(
    path.join(dir, "tx.parquet"),
    [
      { name: "customer_id", type: "BIGINT" },
      { name: "event_timestamp", type: "TIMESTAMP" },
      { name: "amount", type: "DOUBLE" },
    ],
    [{ customer_id: 1, event_timestamp: Date.parse("2025-01-01T00:00:00Z"), amount: 1.5 }],
  );
  // A victim project's pushed rows and partitions in the offline store.
  const victimDir = path.resolve(env().OFFLINE_STORE_URI, other.name, "_push", "cards", "date=2025-01-01");
  await fs.mkdir(victimDir, { recursive: true });
  await fs.copyFile(path.join(dir, "tx.parquet"), path.join(victimDir, "rows.parquet"));
  await fs.symlink("/etc", path.join(dir, "etc"));
  await fs.symlink(path.resolve(env().OFFLINE_STORE_URI), path.join(dir, "store"));
  passwdFirstLine = (await fs.readFile("/etc/passwd", "utf8")).split("\n")[0];
});
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
  await fs.rm(path.resolve(env().OFFLINE_STORE_URI, other.name), { recursive: true, force: true });
  console.info(`[attacks] plan-time transforms ${attemptsRun.transforms}, source paths ${attemptsRun.paths}, escapes ${attemptsRun.escapes}`);
});

function repo(over: { path?: string; transform?: string } = {}) {
  return {
    project: project.name,
    entities: [{ name: "customer", join_keys: [{ name: "customer_id", dtype: "int64" }] }],
    sources: [{ name: "tx", kind: "parquet", path: over.path ?? path.join(dir, "tx.parquet"), timestamp_field: "event_timestamp" }],
    feature_views: [
      {
        name: "spend",
        entities: ["customer"],
        source: "tx",
        ...(over.transform ? { transform: over.transform } : {}),
        features: [{ name: "amount", dtype: "float64" }],
      },
    ],
  };
}

async function plan(body: unknown) {
  const res = await callRoute("POST", "/api/v1/projects/{project}/plan", { params: { project: project.name }, headers: bearer(token), body: { repo: body } });
  return { status: res.status, text: await res.text(), type: res.headers.get("content-type") };
}

/** A response that carries nothing of the files the attacks aimed at. */
function expectNoLeak(text: string) {
  expect(text).not.toContain(passwdFirstLine);
  expect(text).not.toMatch(/root:[^:]*:0:0/);
  expect(text).not.toMatch(/\$[0-9a-z]+\$/); // shadow hash markers
}

describe("plan-time SQL cannot read server files", () => {
  it("plans the honest repo", async () => {
    const r = await plan(repo({ transform: "SELECT customer_id, event_timestamp, amount FROM source" }));
    expect(r.status, r.text).toBe(200);
  });

  const transforms = [
    "SELECT s.customer_id, s.event_timestamp, p.* FROM source s, read_csv('/etc/shadow', header=true, delim='\\x01') p",
    "SELECT s.customer_id, s.event_timestamp, p.* FROM source s, read_csv('/etc/passwd', header=true, delim='\\x01', skip=1) p",
    "SELECT s.*, p.* FROM source s, query('SELECT * FROM read_csv(''/etc/passwd'', header=true, delim=''\\x01'')') p",
    "SELECT s.*, p.* FROM source s, read_text('/etc/passwd') p",
    "SELECT s.*, p.* FROM source s, read_csv('{dir}/etc/passwd', header=true) p",
    "SELECT s.*, p.* FROM source s, read_parquet('{store}/{other}/_push/cards/*/*.parquet') p",
    "SELECT s.*, p.* FROM source s, read_parquet('{dir}/store/{other}/_push/cards/*/*.parquet') p",
    "SELECT s.*, p.* FROM source s, glob('/etc/*') p",
    ...SANDBOX_ATTEMPTS.map((a) => a.sql.replaceAll("{o}", "/etc").replaceAll("{r}", "{dir}")),
  ];
  it.each(transforms.map((t) => [t]))("refuses %s", async (raw) => {
    attemptsRun.transforms++;
    const t = raw.replaceAll("{dir}", dir).replaceAll("{store}", path.resolve(env().OFFLINE_STORE_URI)).replaceAll("{other}", other.name);
    const r = await plan(repo({ transform: t }));
    if (r.status === 200) attemptsRun.escapes++;
    expect(r.status, r.text).toBe(422);
    expect(r.type).toContain("application/problem+json");
    expectNoLeak(r.text);
  });
});

describe("source paths stay inside the data roots", () => {
  const paths = ["/etc/passwd", "../../etc/passwd", "/root/*", "file:///etc/passwd", "s3://bucket/x.parquet", "{dir}/etc/passwd", "{dir}/store/{other}/_push/cards/*/*.parquet", "{store}/{other}/_push/cards/*/*.parquet", "{dir}/../../../../etc/passwd"];
  it.each(paths.map((p) => [p]))("refuses %s with a 400 naming the roots", async (raw) => {
    attemptsRun.paths++;
    const p = raw.replaceAll("{dir}", dir).replaceAll("{store}", path.resolve(env().OFFLINE_STORE_URI)).replaceAll("{other}", other.name);
    const r = await plan(repo({ path: p }));
    if (r.status === 200) attemptsRun.escapes++;
    expect(r.status, r.text).toBe(400);
    const body = JSON.parse(r.text) as { detail: string; invalid_params: { name: string; reason: string }[] };
    expect(body.invalid_params[0].name).toBe("sources[0].path");
    expect(body.detail).toContain(path.dirname(dir)); // the data root
    expectNoLeak(r.text);
  });

  it("apply refuses the same paths", async () => {
    const res = await callRoute("POST", "/api/v1/projects/{project}/apply", { params: { project: project.name }, headers: bearer(token), body: { repo: repo({ path: "/etc/passwd" }) } });
    expect(res.status).toBe(400);
    expect(await db().source.count({ where: { projectId: project.id } })).toBe(0);
  });

  it("materialization checks a stored path again and says nothing of the file", async () => {
    const v = await createTestVersion({
      projectName: project.name,
      viewName: "smuggled",
      source: { name: "tx", kind: "csv", path: "/etc/passwd", timestamp_field: "event_timestamp" } as never,
      joinKeys: [{ name: "customer_id", dtype: "int64" }],
      features: [{ name: "amount", dtype: "float64" }],
    });
    const err = await materializeWindow({
      projectName: project.name,
      viewName: "smuggled",
      version: v.version,
      versionId: v.versionId,
      jobId: `attack-${Date.now()}`,
      start: new Date("2025-01-01T00:00:00Z"),
      end: new Date("2025-01-02T00:00:00Z"),
      writeOffline: true,
      writeOnline: false,
    }).then(
      () => null,
      (e: Error) => e,
    );
    expect(err).not.toBeNull();
    expect(err!.message).toMatch(/not allowed/);
    expectNoLeak(err!.message);
  });
});

describe("postgres connections are per project", () => {
  it("refuses a connection that is not configured for the project", async () => {
    const body = {
      project: project.name,
      entities: [{ name: "customer", join_keys: [{ name: "customer_id", dtype: "int64" }] }],
      sources: [{ name: "pg", kind: "postgres", connection: "warehouse", table: "users", timestamp_field: "event_timestamp" }],
      feature_views: [],
    };
    const r = await plan(body);
    expect(r.status, r.text).toBe(422);
    expect(r.text).toMatch(/connection \\?"warehouse\\?" is not configured/);
  });
});
