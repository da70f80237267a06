// For tests: how many socket writes some Redis connections make (both of Node's write paths:
// `_write` for one buffered chunk, `_writev` for several). Restore with vi.restoreAllMocks().
import type { Redis } from "ioredis";
import { vi } from "vitest";

export function countSocketWrites(...connections: Redis[]): { count: () => number; chunksOfFirst: () => unknown[] | undefined } {
  const spies = connections.map((c) => {
    const socket = c.stream as unknown as { _write: (...a: unknown[]) => void; _writev: (...a: unknown[]) => void };
    return { write: vi.spyOn(socket, "_write"), writev: vi.spyOn(socket, "_writev") };
  });
  return {
    count: () => spies.reduce((n, s) => n + s.write.mock.calls.length + s.writev.mock.calls.length, 0),
    /** The chunks of the first connection's first `_writev` (one per command when corked). */
    chunksOfFirst: () => spies[0]?.writev.mock.calls[0]?.[0] as unknown[] | undefined,
  };
}
