#!/usr/bin/env node
// `prisma generate` needs no schema engine, but the CLI insists on finding one; point it anywhere
// so it does not try to download the native binary (which fails offline).
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
const require = createRequire(import.meta.url);
const cli = require.resolve("prisma/build/index.js");
const r = spawnSync(process.execPath, [cli, "generate"], {
  stdio: "inherit",
  env: { ...process.env, PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? process.execPath, PRISMA_HIDE_UPDATE_MESSAGE: "1" },
});
process.exit(r.status ?? 1);
