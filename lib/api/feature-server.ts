// The lean feature server (docs/architecture.md): node:http, no Next, only the online read and push paths, in
// Feast's shapes: POST /get-online-features, POST /push, GET /health. Bearer tokens are checked
// against the registry through the in-process cache (registry-cache.ts); the use cases are the same
// lib functions the Next routes call.
import "server-only";
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { authorize } from "../auth/authorize";
import type { Principal } from "../auth/principal";
import { bearerToken } from "../auth/resolve-principal";
import { problemFromError, problemHeaders } from "./problem";
import { env } from "../config/env";
import { LarderError, badRequest, forbidden, notFound, unauthenticated } from "../errors";
import { getOnlineFeaturesJson, readWithFreshCredentialsOnStale } from "../online/get-online-features";
import { pushRows } from "../online/push";
import { getCatalog } from "../registry/catalog-cache";
import { parseJsonExact } from "../shared/exact-json";
import { principalForToken } from "../auth/token-cache";

export const PROJECT_HEADER = "x-larder-project";

function send(res: ServerResponse, status: number, body: string | Buffer, type = "application/json", requestId?: string): void {
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

function pooledAlloc(size: number): Buffer {
  if (size < POOL_MIN || size > POOL_MAX) return Buffer.allocUnsafe(size);
  const cap = 2 ** Math.ceil(Math.log2(size));
  const b = responsePool.get(cap)?.pop() ?? Buffer.allocUnsafeSlow(cap);
  return b.subarray(0, size);
}

function releaseWhenSent(res: ServerResponse, body: Buffer): void {
  const cap = body.buffer.byteLength;
  if (body.length < POOL_MIN || body.byteOffset !== 0 || cap > POOL_MAX || cap !== 2 ** Math.round(Math.log2(cap))) return;
  res.once("finish", () => {
    let free = responsePool.get(cap);
    if (!free) responsePool.set(cap, (free = []));
    if (free.length < POOL_PER_CLASS) free.push(Buffer.from(body.buffer, 0, cap));
  });
}

function readBody(req: IncomingMessage, maxBytes: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers["content-length"] ?? 0);
    if (declared > maxBytes) {
      reject(new LarderError("payload_too_large", `The body is ${declared} bytes; the limit is ${maxBytes} bytes.`));
      req.resume();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > maxBytes) {
        reject(new LarderError("payload_too_large", `The body is larger than the limit of ${maxBytes} bytes.`));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on("end", () => resolve(chunks.length === 1 ? chunks[0].toString("utf8") : Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function parseJsonObject(text: string): Record<string, unknown> {
  if (text.trim() === "") throw badRequest("The request body is empty; send a JSON object.");
  let body: unknown;
  try {
    // Exact: an int64 beyond 2^53 (an id, a join key) stays a BigInt, not the nearest double.
    body = parseJsonExact(text);
  } catch (e) {
    throw badRequest(`The request body is not valid JSON: ${(e as Error).message}`);
  }
  if (typeof body !== "object" || body === null || Array.isArray(body)) throw badRequest("The request body must be a JSON object.");
  return body as Record<string, unknown>;
}

function bearer(req: IncomingMessage): string {
  const token = bearerToken(req.headers.authorization);
  if (token === null) throw unauthenticated('Send "Authorization: Bearer <API token>"; the feature server accepts API tokens only.');
  return token;
}

/** Project from the body's `project`, the X-Larder-Project header, or the token's only project. */
function projectOf(req: IncomingMessage, fromBody: unknown, principal: Principal): string {
  if (fromBody !== undefined) {
    if (typeof fromBody !== "string" || fromBody === "") throw badRequest('"project" must be a project name.');
    return fromBody;
  }
  const header = req.headers[PROJECT_HEADER];
  if (typeof header === "string" && header !== "") return header;
  const grants = principal.kind === "anonymous" ? [] : principal.grants;
  if (grants.length === 1) return grants[0].projectName;
  throw badRequest(`Say which project: a "project" field in the body or the ${PROJECT_HEADER} header.`);
}

async function authorized(
  req: IncomingMessage,
  bodyProject: unknown,
  permission: "features.read" | "features.push",
): Promise<{ principal: Principal; fromCache: boolean; project: string }> {
  // After a StaleCredentialsError the cache is empty, so a retry reads the registry again.
  const { principal, fromCache } = await principalForToken(bearer(req));
  const project = projectOf(req, bodyProject, principal);
  // No grant for the project (tokens are scoped to one): refuse before touching the registry, so
  // the answer does not tell whether the project exists.
  const grant = principal.kind === "anonymous" ? undefined : principal.grants.find((g) => g.projectName === project);
  if (!grant) throw forbidden(`This token is not valid for project "${project}".`);
  const catalog = await getCatalog(project);
  if (catalog.projectId !== grant.projectId) throw notFound(`Project "${project}" does not exist.`);
  authorize(principal, permission, { id: catalog.projectId, name: catalog.project });
  return { principal, fromCache, project };
}

async function route(req: IncomingMessage, res: ServerResponse, requestId: string): Promise<void> {
  const path = (req.url ?? "/").split("?")[0];
  if (path === "/health") {
    if (req.method !== "GET" && req.method !== "HEAD") throw new LarderError("bad_request", "Use GET /health.");
    send(res, 200, '{"status":"ok"}', "application/json", requestId);
    return;
  }
  if (path !== "/get-online-features" && path !== "/push") {
    throw notFound(`No route ${req.method} ${path}; the feature server serves POST /get-online-features, POST /push and GET /health.`);
  }
  if (req.method !== "POST") throw new LarderError("bad_request", `Use POST ${path}.`);
  const type = req.headers["content-type"] ?? "";
  if (type && !/^application\/(.+\+)?json\b/i.test(type)) {
    throw new LarderError("unsupported_media_type", 'Send the body as JSON with "Content-Type: application/json".');
  }
  const limit = path === "/push" ? 64 * 1024 * 1024 : env().MAX_BODY_BYTES;
  const body = parseJsonObject(await readBody(req, limit));
  // `project` is the feature server's addition to Feast's bodies; the use cases never see it.
  const bodyProject = body.project;
  delete body.project;
  if (path === "/get-online-features") {
    const auth = await authorized(req, bodyProject, "features.read");
    const json = await readWithFreshCredentialsOnStale(
      auth,
      async () => (await authorized(req, bodyProject, "features.read")).principal,
      (principal, verifyAuthGeneration) => getOnlineFeaturesJson({ project: auth.project, principal, request: body, verifyAuthGeneration }, pooledAlloc),
    );
    releaseWhenSent(res, json);
    send(res, 200, json, "application/json", requestId);
    return;
  }
  const auth = await authorized(req, bodyProject, "features.push");
  const out = await pushRows({ project: auth.project, principal: auth.principal, request: body });
  send(res, 200, JSON.stringify(out), "application/json", requestId);
}

export function createFeatureServer(): Server {
  const server = createServer((req, res) => {
    const requestId = (req.headers["x-request-id"] as string | undefined) ?? randomUUID();
    route(req, res, requestId).catch((err: unknown) => {
      // The client went away mid-request (load generators do at the end of a run): nobody to answer.
      if (req.destroyed && res.socket?.destroyed !== false) return;
      const p = problemFromError(err, requestId);
      if (res.headersSent) return void res.destroy();
      const body = JSON.stringify(p);
      res.writeHead(p.status, { ...problemHeaders(p), "content-length": Buffer.byteLength(body) });
      res.end(body);
    });
  });
  server.keepAliveTimeout = 65_000;
  return server;
}

/** Starts the server; resolves once it listens. */
export async function startFeatureServer(port = env().FEATURE_SERVER_PORT, host = "0.0.0.0"): Promise<Server> {
  const server = createFeatureServer();
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve());
  });
  return server;
}
