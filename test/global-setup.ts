// Integration tests: one fresh database per run, migrated once; tests use unique ids and never
// wipe globally. The Redis DB is shared; tests namespace their keys.
import { dropDatabase, migrateDeploy } from "../lib/db/migrate";

export default async function setup() {
  const base = process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/larder";
  const url = new URL(base);
  url.pathname = `/larder_test_${Date.now().toString(36)}_${process.pid}`;
  process.env.DATABASE_URL = url.toString();
  (process.env as Record<string, string>).NODE_ENV = "test";
  process.env.OFFLINE_STORE_URI ??= `./.data/test-offline-${process.pid}`;
  await migrateDeploy(url.toString());
  return async () => {
    // Leave the database for inspection only when asked; otherwise drop it.
    if (process.env.KEEP_TEST_DB) return;
    await dropDatabase(url.toString());
  };
}
