// One Prisma client per process, over node-postgres through @prisma/adapter-pg.
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "./generated/client";
import { env } from "../config/env";

export type Db = PrismaClient;
export type { Prisma } from "./generated/client";

const globalForDb = globalThis as unknown as { larderPrisma?: PrismaClient };

export function db(): PrismaClient {
  if (!globalForDb.larderPrisma) {
    const adapter = new PrismaPg({ connectionString: env().DATABASE_URL, max: 10 });
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
