// Times in requests (entity tables, pushed rows): ISO 8601 strings (a zone offset is converted to
// UTC; no zone means UTC, never the server's local zone) or epoch numbers, parsed to epoch
// microseconds (lib/shared/time-us.ts): Date would cut them to milliseconds.
import "server-only";
import { parseEpochUs, parseIsoUs, TIME_RANGE_TEXT, type TimeParse } from "../shared/time-us";

/**
 * Epoch µs of an accepted time value. Numbers (and BigInts) count `numberUnit` units since the
 * epoch: milliseconds for event and created timestamps, seconds for timestamp-typed feature values
 * (the unit Feast and the online read use for them).
 */
export function parseTimeUs(v: unknown, numberUnit: "ms" | "s" = "ms"): TimeParse {
  if (typeof v === "string") return parseIsoUs(v);
  if (typeof v === "number" || typeof v === "bigint") return parseEpochUs(v, numberUnit);
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? { error: "it is not a valid date" } : { us: BigInt(v.getTime()) * 1000n };
  return { error: "it is not a time" };
}

/** What a time value must look like, for error messages. */
export function timeHint(numberUnit: "ms" | "s" = "ms"): string {
  return `an ISO 8601 time ("2024-05-13T10:59:42.123456Z"; no zone = UTC) or epoch ${numberUnit === "ms" ? "milliseconds" : "seconds"}, within ${TIME_RANGE_TEXT}`;
}

/** UTC date partition (YYYY-MM-DD) of an epoch µs time. */
export function utcDateOfUs(us: bigint): string {
  let days = us / 86_400_000_000n;
  if (us % 86_400_000_000n < 0n) days -= 1n;
  return new Date(Number(days) * 86_400_000).toISOString().slice(0, 10);
}

/** Epoch ms, floored, of an epoch µs time (the unit of materialized intervals). */
export function floorMs(us: bigint): number {
  let ms = us / 1000n;
  if (us % 1000n < 0n) ms -= 1n;
  return Number(ms);
}
