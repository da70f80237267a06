// node:http pieces shared by the feature server and the Next process's online read fast path
// (online-fast-path.ts): the credential-failure limits, a one-shot send and pooled answer buffers.
import "server-only";
import type { IncomingMessage, ServerResponse } from "node:http";
import { socketClientAddress } from "../auth/client-address";
import { credentialFailures } from "../auth/credential-failures";
import { presentedBearer } from "../auth/resolve-principal";
import { LarderError } from "../errors";

/** A client address over its credential-failure limit is refused (429) before any credential is checked. */
export function refuseBlockedClient(req: IncomingMessage): void {
  if (req.headers.authorization !== undefined) credentialFailures().refuseIfBlocked(() => socketClientAddress(req));
}

/** A presented token that was refused is counted; over a limit, the answer is a 429 instead of the 401. */
export async function countedCredentialFailure(req: IncomingMessage, err: unknown): Promise<unknown> {
  const authorization = req.headers.authorization;
  if (authorization === undefined || !(err instanceof LarderError) || err.code !== "unauthenticated") return err;
  return (await credentialFailures().failed(socketClientAddress(req), presentedBearer(authorization), err.subject === "unknown_token")) ?? err;
}

export function send(res: ServerResponse, status: number, body: string | Buffer, type = "application/json", requestId?: string): void {
  const headers: Record<string, string | number> = { "content-type": type, "content-length": typeof body === "string" ? Buffer.byteLength(body) : body.length };
  if (requestId) headers["x-request-id"] = requestId;
  res.writeHead(status, headers);
  res.end(body);
}

/**
 * Buffers for large answers, reused: a 100-entity answer is ~220 KB outside the JS heap, and
 * allocating one per request made V8 run a full GC several times a second (each a latency spike).
 * A buffer returns to its size class once the response has been handed to the OS ('finish').
 */
const POOL_MIN = 16 * 1024;
const POOL_MAX = 8 * 1024 * 1024;
const POOL_PER_CLASS = 32;
const responsePool = new Map<number, Buffer[]>();

export function pooledAlloc(size: number): Buffer {
  if (size < POOL_MIN || size > POOL_MAX) return Buffer.allocUnsafe(size);
  const cap = 2 ** Math.ceil(Math.log2(size));
  const b = responsePool.get(cap)?.pop() ?? Buffer.allocUnsafeSlow(cap);
  return b.subarray(0, size);
}

export function releaseWhenSent(res: ServerResponse, body: Buffer): void {
  const cap = body.buffer.byteLength;
  if (body.length < POOL_MIN || body.byteOffset !== 0 || cap > POOL_MAX || cap !== 2 ** Math.round(Math.log2(cap))) return;
  res.once("finish", () => {
    let free = responsePool.get(cap);
    if (!free) responsePool.set(cap, (free = []));
    if (free.length < POOL_PER_CLASS) free.push(Buffer.from(body.buffer, 0, cap));
  });
}
