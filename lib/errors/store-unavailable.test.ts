// Store outages answer 503 + Retry-After, not 500: the errors here are the real ones ioredis and
// Prisma (through the pg adapter) raise when nothing listens on the port.
import { PrismaPg } from "@prisma/adapter-pg";
import { Redis, type RedisOptions } from "ioredis";
import { describe, expect, it } from "vitest";
import { problemFromError, problemHeaders } from "../api/problem";
import { PrismaClient } from "../db/generated/client";
import { badRequest } from "./index";
import { STORE_RETRY_AFTER_SECONDS, storeUnavailable } from "./store-unavailable";

const DEAD_PORT = 3598; // nothing listens here

async function redisError(opts: RedisOptions): Promise<unknown> {
  const r = new Redis(`redis://127.0.0.1:${DEAD_PORT}`, opts);
  r.on("error", () => undefined);
  try {
    return await r.hget("k", "f").then(() => new Error("expected the command to fail"));
  } catch (e) {
    return e;
  } finally {
    r.disconnect();
  }
}

describe("storeUnavailable", () => {
  it("maps a Redis command that ran out of reconnect attempts to 503 with Retry-After", async () => {
    const err = await redisError({ maxRetriesPerRequest: 1 });
    expect((err as Error).name).toBe("MaxRetriesPerRequestError");
    const p = problemFromError(err, "req-1");
    expect(p).toMatchObject({ status: 503, code: "unavailable", retryAfter: STORE_RETRY_AFTER_SECONDS, requestId: "req-1" });
    expect(p.detail).toMatch(/Redis is unreachable/);
    expect(p.detail).toMatch(/REDIS_URL/);
    expect(problemHeaders(p)["retry-after"]).toBe(String(STORE_RETRY_AFTER_SECONDS));
  });

  it("maps a Redis client without an offline queue to 503", async () => {
    const err = await redisError({ enableOfflineQueue: false });
    expect(storeUnavailable(err)?.status).toBe(503);
  });

  it("maps Postgres unreachable through Prisma (model query and raw query) to 503 naming the registry", async () => {
    const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: `postgresql://x@127.0.0.1:${DEAD_PORT}/x` }) });
    try {
      for (const run of [() => prisma.user.count(), () => prisma.$queryRaw`select 1`]) {
        const err = await run().then(() => new Error("expected the query to fail"), (e: unknown) => e);
        const p = problemFromError(err);
        expect(p.status, String(err)).toBe(503);
        expect(p.detail).toMatch(/registry database \(PostgreSQL\) is unreachable/);
        expect(p.detail).toMatch(/DATABASE_URL/);
      }
    } finally {
      await prisma.$disconnect();
    }
  });

  it("finds the outage in a cause chain and a socket error code", () => {
    const sock = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:1"), { code: "ECONNREFUSED" });
    expect(storeUnavailable(new Error("wrapped", { cause: sock }))?.status).toBe(503);
  });

  it("leaves other errors alone: a bug stays 500, a typed error keeps its status", () => {
    expect(storeUnavailable(new TypeError("x is undefined"))).toBeUndefined();
    expect(problemFromError(new TypeError("x is undefined")).status).toBe(500);
    expect(problemFromError(badRequest("nope")).status).toBe(400);
    expect(problemFromError(Object.assign(new Error("dup"), { name: "PrismaClientKnownRequestError", code: "P2002" })).status).toBe(409);
  });
});
