// A test run's own database: created next to the others on the same server, then migrated.
import pg from "pg";
import { migrateDeploy } from "../../lib/db/migrate";

export async function createRunDatabase(url: string): Promise<void> {
  const admin = new URL(url);
  admin.pathname = "/postgres";
  const c = new pg.Client({ connectionString: admin.toString() });
  await c.connect();
  await c.query(`CREATE DATABASE "${new URL(url).pathname.slice(1)}"`);
  await c.end();
  await migrateDeploy(url);
}
