// Integration tests: one fresh database per run, migrated once; tests use unique ids and never
// wipe globally. The Redis DB is shared; tests namespace their keys.
import pg from "pg";
import { dropDatabase, migrateDeploy } from "../lib/db/migrate";
import { forgetProjectInRedis } from "./support/materialize";
import { createRedis } from "../lib/redis/connection";
import { TEST_SOURCES_ROOT } from "./fixtures/data-roots";
import { deleteQueueKeys } from "./support/jobs";

/**
 * The Redis DB is shared between runs (and with a developer's demo), so what the run's projects
 * wrote there — online hashes, clock bounds, registry generation counters — goes with the run's
 * database: every project the database knows is one the run created.
 */
async function clearOnlineDataOfRun(databaseUrl: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  const redis = createRedis("online");
  try {
    const { rows } = await client.query<{ name: string }>('SELECT name FROM "Project"');
    for (const { name } of rows) await forgetProjectInRedis(redis, name);
  } catch (e) {
    console.warn("could not clear the test run's online data:", e);
  } finally {
    redis.disconnect();
    await client.end();
  }
}

export default async function setup() {
  const base = process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/larder";
  const url = new URL(base);
  url.pathname = `/larder_test_${Date.now().toString(36)}_${process.pid}`;
  process.env.DATABASE_URL = url.toString();
  (process.env as Record<string, string>).NODE_ENV = "test";
  process.env.OFFLINE_STORE_URI ??= `./.data/test-offline-${process.pid}`;
  // Queues (and the cron schedulers apply syncs) of this run only, never the demo's `larder:*`.
  process.env.QUEUE_PREFIX ??= `larder-test-run-${process.pid}`;
  // Sources may read only data roots: tests write theirs under one (test/fixtures/data-roots.ts).
  process.env.DATA_ROOTS ??= TEST_SOURCES_ROOT;
  await migrateDeploy(url.toString());
  return async () => {
    // Leave the database (and the run's online data) for inspection only when asked; otherwise drop it.
    if (process.env.KEEP_TEST_DB) return;
    await clearOnlineDataOfRun(url.toString());
    await deleteQueueKeys(process.env.QUEUE_PREFIX!);
    await dropDatabase(url.toString());
  };
}
