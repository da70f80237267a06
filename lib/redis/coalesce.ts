// Batching a connection's writes without an ioredis Pipeline (docs/retrieval.md, "Performance
// notes": a Pipeline's constructor gives each instance its own hidden class, which V8 keeps in old
// space, so everything a Pipeline references survives scavenges until the next mark-compact).
import "server-only";
import type { Redis } from "ioredis";

const corked = new WeakSet<object>();

/**
 * Holds the connection's writes until the current event-loop turn has handled every request that
 * arrived with it, then sends them in one system call. Commands issued meanwhile (plain calls, not
 * a Pipeline) leave together, so a request's several calls cost one round trip, and under load
 * several requests share a write — the write(2) was the largest single cost of a small read. A
 * lone request waits only for the rest of its turn (microseconds). A connection that is not ready
 * is left alone (ioredis queues its commands and flushes them on connect).
 */
export function coalesceWrites(redis: Redis): void {
  const stream = redis.stream as Redis["stream"] | undefined;
  if (!stream || redis.status !== "ready" || corked.has(stream)) return;
  corked.add(stream);
  stream.cork();
  setImmediate(() => {
    corked.delete(stream);
    stream.uncork();
  });
}
