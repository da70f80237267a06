import type { NextConfig } from "next";

const config: NextConfig = {
  // Native and worker-heavy packages stay outside the bundle and load from node_modules.
  serverExternalPackages: ["@duckdb/node-api", "@node-rs/argon2", "bullmq", "ioredis", "pg", "@prisma/adapter-pg", "nodemailer"],
  poweredByHeader: false,
  // Type checking is its own step of `npm test` (tsc over the whole repo, tests included); the
  // build does not repeat it.
  typescript: { ignoreBuildErrors: true },
};

export default config;
