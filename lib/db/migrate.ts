// Migrations through Prisma's WebAssembly schema engine, driven by @prisma/adapter-pg.
// The native schema engine cannot be downloaded on every machine we run on; the Wasm one ships in
// npm. Migrations stay in Prisma's folder format, so `prisma migrate deploy` works too.
import "server-only";
import { createRequire } from "node:module";
import { existsSync } from "node:fs";
import { mkdir, readFile, readdir, writeFile } from "node:fs/promises";
import path from "node:path";
import pg from "pg";
import { PrismaPg } from "@prisma/adapter-pg";
import { bindMigrationAwareSqlAdapterFactory } from "@prisma/driver-adapter-utils";

// The package root, not the working directory: `larder db migrate` may run from anywhere.
const ROOT = path.resolve(import.meta.dirname, "../..");
export const SCHEMA_PATH = path.join(ROOT, "prisma", "schema.prisma");
export const MIGRATIONS_DIR = path.join(ROOT, "prisma", "migrations");
/** The schema as of the newest migration; `db diff` diffs the current schema against it. */
export const SNAPSHOT_PATH = path.join(MIGRATIONS_DIR, "schema.prisma.snapshot");
const LOCKFILE = 'provider = "postgresql"\n';
const NO_FILTERS = { externalTables: [], externalEnums: [] };

interface WasmEngine {
  diff(p: unknown): Promise<{ exitCode: number; stdout: string }>;
  applyMigrations(p: unknown): Promise<{ appliedMigrationNames: string[] }>;
  free(): void;
}

let wasmModule: Promise<{ SchemaEngine: { new: (o: unknown, cb: (m: string) => void, a: object) => Promise<WasmEngine> } }> | undefined;

async function loadWasm() {
  // The package is built for bundlers (it imports the .wasm file); instantiate it by hand for Node.
  wasmModule ??= (async () => {
    const require = createRequire(import.meta.url);
    const dir = path.dirname(require.resolve("@prisma/schema-engine-wasm"));
    const bg = await import(/* webpackIgnore: true */ path.join(dir, "schema_engine_bg.js"));
    const bytes = await readFile(path.join(dir, "schema_engine_bg.wasm"));
    const { instance } = await WebAssembly.instantiate(bytes, { "./schema_engine_bg.js": bg });
    bg.__wbg_set_wasm(instance.exports);
    (instance.exports as { __wbindgen_start?: () => void }).__wbindgen_start?.();
    return bg;
  })();
  return wasmModule;
}

async function withEngine<T>(databaseUrl: string, schema: string, fn: (e: WasmEngine) => Promise<T>): Promise<T> {
  const bg = await loadWasm();
  const adapter = bindMigrationAwareSqlAdapterFactory(new PrismaPg({ connectionString: databaseUrl }));
  const logs: string[] = [];
  const engine = await bg.SchemaEngine.new({ datamodels: [["schema.prisma", schema]] }, (m: string) => logs.push(m), adapter);
  try {
    return await fn(engine);
  } finally {
    engine.free();
  }
}

/** Creates the database named in the URL if it does not exist (connects to `postgres` to do it). */
export async function ensureDatabase(databaseUrl: string): Promise<void> {
  const url = new URL(databaseUrl);
  const name = decodeURIComponent(url.pathname.replace(/^\//, ""));
  const admin = new URL(databaseUrl);
  admin.pathname = "/postgres";
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    const found = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
  } finally {
    await client.end();
  }
}

/** Drops the database named in the URL, closing its connections (test and benchmark databases). */
export async function dropDatabase(databaseUrl: string): Promise<void> {
  const url = new URL(databaseUrl);
  const name = decodeURIComponent(url.pathname.replace(/^\//, ""));
  url.pathname = "/postgres";
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${name.replace(/"/g, '""')}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

async function migrationsList() {
  const dirs = existsSync(MIGRATIONS_DIR)
    ? (await readdir(MIGRATIONS_DIR, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name).sort()
    : [];
  return {
    baseDir: MIGRATIONS_DIR,
    lockfile: { path: "migration_lock.toml", content: LOCKFILE },
    shadowDbInitScript: "",
    migrationDirectories: await Promise.all(
      dirs.map(async (d) => ({
        path: d,
        migrationFile: {
          path: "migration.sql",
          content: { tag: "ok" as const, value: await readFile(path.join(MIGRATIONS_DIR, d, "migration.sql"), "utf8") },
        },
      })),
    ),
  };
}

/** Applies every pending migration (what `prisma migrate deploy` does). Returns the names applied. */
export async function migrateDeploy(databaseUrl: string): Promise<string[]> {
  await ensureDatabase(databaseUrl);
  const schema = await readFile(SCHEMA_PATH, "utf8");
  const list = await migrationsList();
  return withEngine(databaseUrl, schema, async (e) => (await e.applyMigrations({ migrationsList: list, filters: NO_FILTERS })).appliedMigrationNames);
}

/** SQL that turns a database built from `fromSchema` (or an empty one) into one built from `toSchema`. */
export async function diffSchemas(fromSchema: string | null, toSchema: string, databaseUrl: string): Promise<string> {
  const target = (content: string) => ({ tag: "schemaDatamodel", files: [{ path: "schema.prisma", content }] });
  return withEngine(databaseUrl, toSchema, async (e) => {
    const res = await e.diff({
      from: fromSchema === null ? { tag: "empty" } : target(fromSchema),
      to: target(toSchema),
      script: true,
      exitCode: null,
      filters: NO_FILTERS,
    });
    return res.stdout;
  });
}

const EMPTY_DIFF = /^\s*(-- This is an empty migration\.)?\s*$/;

/** Writes prisma/migrations/<stamp>_<name>/migration.sql for the change since the last migration. */
export async function createMigration(name: string, databaseUrl: string, now = new Date()): Promise<string | null> {
  if (!/^[a-z0-9_]+$/.test(name)) throw new Error("migration name: use lower-case letters, digits and _");
  const schema = await readFile(SCHEMA_PATH, "utf8");
  const previous = existsSync(SNAPSHOT_PATH) ? await readFile(SNAPSHOT_PATH, "utf8") : null;
  const sql = await diffSchemas(previous, schema, databaseUrl);
  if (EMPTY_DIFF.test(sql)) return null;
  const stamp = now.toISOString().replace(/[-:T]/g, "").slice(0, 14);
  const dir = path.join(MIGRATIONS_DIR, `${stamp}_${name}`);
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, "migration.sql"), sql);
  await writeFile(path.join(MIGRATIONS_DIR, "migration_lock.toml"), LOCKFILE);
  await writeFile(SNAPSHOT_PATH, schema);
  return dir;
}

/** Builds a database straight from schema.prisma (no migrations): the reference for drift checks. */
export async function pushSchema(databaseUrl: string): Promise<void> {
  await ensureDatabase(databaseUrl);
  const schema = await readFile(SCHEMA_PATH, "utf8");
  const sql = await diffSchemas(null, schema, databaseUrl);
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
