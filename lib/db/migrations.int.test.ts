import { describe, expect, it } from "vitest";
import { describeCatalog } from "./catalog";
import { dropDatabase, migrateDeploy, pushSchema } from "./migrate";

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
      await dropDatabase(reference.toString());
    }
  });

  it("applies nothing the second time", async () => {
    expect(await migrateDeploy(process.env.DATABASE_URL!)).toEqual([]);
  });
});
