// The one logger (pino): JSON lines on stdout at LOG_LEVEL and above, with the request or job it
// belongs to as fields (`requestId`, `jobId`), so a line can be traced to what caused it.
// Library code logs through this, never through console.* (CLI output and the demo's banner are
// output, not logs).
import "server-only";
import pino, { type Logger } from "pino";
import { env } from "./env";

export type { Logger };

const g = globalThis as unknown as { larderLog?: Logger };

/** The process's root logger. */
export function log(): Logger {
  g.larderLog ??= pino({ level: env().LOG_LEVEL, base: { pid: process.pid }, timestamp: pino.stdTimeFunctions.isoTime });
  return g.larderLog;
}

/** The logger of one HTTP request: every line carries its request id. */
export function requestLog(requestId: string): Logger {
  return log().child({ requestId });
}

/** The logger of one job: every line carries its job id. */
export function jobLog(jobId: string): Logger {
  return log().child({ jobId });
}

/** A rejection handler for work that must not fail its caller (bookkeeping): logs what failed, with context. */
export function logFailure(logger: Logger, what: string): (err: unknown) => void {
  return (err) => logger.error({ err }, `${what} failed`);
}
