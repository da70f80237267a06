import { describe, expect, it } from "vitest";
import pg from "pg";
import { describeCatalog } from "./catalog";
import { migrateDeploy, pushSchema } from "./migrate";

async function dropDb(url: string) {
  const admin = new URL(url);
  const name = admin.pathname.slice(1);
  admin.pathname = "/postgres";
  const c = new pg.Client({ connectionString: admin.toString() });
  await c.connect();
  await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await c.end();
}

describe("migrations", () => {
  it("produce exactly the schema in schema.prisma (no drift)", async () => {
    const migrated = process.env.DATABASE_URL!;
    const reference = new URL(migrated);
    reference.pathname = `${reference.pathname}_ref`;
    await pushSchema(reference.toString());
    try {
      const [a, b] = await Promise.all([describeCatalog(migrated), describeCatalog(reference.toString())]);
      expect(a.columns.length).toBeGreaterThan(50);
      expect(a).toEqual(b);
    } finally {
      await dropDb(reference.toString());
    }
  });

  it("applies nothing the second time", async () => {
    expect(await migrateDeploy(process.env.DATABASE_URL!)).toEqual([]);
  });
});
