// One Prisma client per process, over node-postgres through @prisma/adapter-pg.
import "server-only";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "./generated/client";
import { env } from "../config/env";

export type Db = PrismaClient;
export type { Prisma } from "./generated/client";

const globalForDb = globalThis as unknown as { larderPrisma?: PrismaClient };

export function db(): PrismaClient {
  if (!globalForDb.larderPrisma) {
    // idleTimeoutMillis: node-postgres closes a connection idle for 10 s by default, so a server
    // whose registry reads are sparse (the feature server re-verifies a token in use every ~20 s,
    // off the request path) opened a new connection — TCP, startup, auth: ~10 ms of CPU — for
    // nearly every one. A minute keeps one warm between them; idle ones still go.
    const adapter = new PrismaPg({ connectionString: env().DATABASE_URL, max: 10, idleTimeoutMillis: 60_000 });
    globalForDb.larderPrisma = new PrismaClient({ adapter });
  }
  return globalForDb.larderPrisma;
}

export async function disconnectDb(): Promise<void> {
  if (globalForDb.larderPrisma) {
    await globalForDb.larderPrisma.$disconnect();
    globalForDb.larderPrisma = undefined;
  }
}
