import "server-only";
import type { Command } from "commander";
import { env } from "../../config/env";
import { createMigration, migrateDeploy } from "../../db/migrate";

export function registerDbCommands(program: Command): void {
  const dbCmd = program.command("db").description("registry database (works without the API)");
  dbCmd
    .command("migrate")
    .description("apply pending migrations to DATABASE_URL (creates the database if needed)")
    .action(async () => {
      const applied = await migrateDeploy(env().DATABASE_URL);
      console.log(applied.length ? `applied: ${applied.join(", ")}` : "database is up to date");
    });
  dbCmd
    .command("diff <name>")
    .description("write a new migration for the changes in prisma/schema.prisma since the last one")
    .action(async (name: string) => {
      const dir = await createMigration(name, env().DATABASE_URL);
      console.log(dir ? `wrote ${dir}/migration.sql` : "no changes: schema.prisma matches the migrations");
    });
}
