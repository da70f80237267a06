// Prisma CLI configuration. The CLI is used for `prisma generate` only; migrations are diffed and
// applied by lib/db/migrate.ts through the WebAssembly schema engine (see docs/database.md).
import { defineConfig } from "prisma/config";

export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  datasource: { url: process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/larder" },
});
