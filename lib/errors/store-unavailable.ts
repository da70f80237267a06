// Recognises "a store is down" among the errors a request path can meet, so the API answers
// 503 + Retry-After (retry later; nothing is wrong with the request) instead of 500 (a bug).
// Duck-typed on names, codes and messages so this module pulls in neither ioredis nor the
// generated Prisma client.
import "server-only";
import { unavailable, type LarderError } from "./index";

/** Seconds a client should wait before retrying a request that met a store outage. */
export const STORE_RETRY_AFTER_SECONDS = 5;

// ioredis: the command waited for its reconnect attempts (MaxRetriesPerRequestError), the
// connection or cluster is closed, or no cluster node answers.
const REDIS_ERROR_NAMES = new Set(["MaxRetriesPerRequestError", "ClusterAllFailedError"]);
const REDIS_MESSAGES = [
  "Connection is closed.",
  "Stream isn't writeable",
  "None of startup nodes is available",
  "Cluster is disconnected.",
  "Cluster isn't ready",
  "Node is disconnected",
];
// Socket-level failures reaching any store (node's errno codes).
const SOCKET_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EHOSTUNREACH", "ENETUNREACH", "EPIPE", "EAI_AGAIN"]);
// Prisma: P1001 can't reach the server, P1002 timed out, P1017 server closed the connection,
// P2024 timed out waiting for a pool connection; through the pg adapter a raw query reports the
// same outage as a DriverAdapterError of kind DatabaseNotReachable (under code P2010).
const PRISMA_OUTAGE_CODES = new Set(["P1001", "P1002", "P1017", "P2024"]);

interface ErrLike {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  meta?: { driverAdapterError?: { cause?: { kind?: unknown } } };
  cause?: unknown;
}

function isPrismaOutage(e: ErrLike): boolean {
  const name = String(e.name ?? "");
  if (name === "PrismaClientInitializationError") return true;
  if (name !== "PrismaClientKnownRequestError" && name !== "PrismaClientUnknownRequestError") return false;
  if (PRISMA_OUTAGE_CODES.has(String(e.code))) return true;
  const kind = e.meta?.driverAdapterError?.cause?.kind;
  return kind === "DatabaseNotReachable" || kind === "ConnectionClosed" || kind === "SocketTimeout";
}

function isRedisOutage(e: ErrLike): boolean {
  if (REDIS_ERROR_NAMES.has(String(e.name ?? ""))) return true;
  const msg = typeof e.message === "string" ? e.message : "";
  return REDIS_MESSAGES.some((m) => msg.startsWith(m));
}

/**
 * A 503 LarderError naming the unreachable store when `err` (or its cause chain) is a store outage;
 * undefined for anything else.
 */
export function storeUnavailable(err: unknown): LarderError | undefined {
  for (let e = err as ErrLike | undefined, depth = 0; e && typeof e === "object" && depth < 5; e = e.cause as ErrLike | undefined, depth++) {
    if (isPrismaOutage(e)) {
      return unavailable(
        `The registry database (PostgreSQL) is unreachable right now. Retry in ${STORE_RETRY_AFTER_SECONDS} seconds; if it persists, check that PostgreSQL is running and DATABASE_URL points at it.`,
        STORE_RETRY_AFTER_SECONDS,
        err,
      );
    }
    if (isRedisOutage(e)) {
      return unavailable(
        `Redis is unreachable right now. Retry in ${STORE_RETRY_AFTER_SECONDS} seconds; if it persists, check that Redis is running and REDIS_URL / ONLINE_REDIS_URL point at it.`,
        STORE_RETRY_AFTER_SECONDS,
        err,
      );
    }
    if (SOCKET_CODES.has(String(e.code))) {
      return unavailable(
        `A store this request needs is unreachable (${String(e.code)}). Retry in ${STORE_RETRY_AFTER_SECONDS} seconds; if it persists, check that PostgreSQL and Redis are running.`,
        STORE_RETRY_AFTER_SECONDS,
        err,
      );
    }
  }
  return undefined;
}
