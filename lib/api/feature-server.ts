// The lean feature server (docs/architecture.md): node:http, no Next, speaking Feast's feature server
// contract (docs/retrieval.md, "Feast compatibility"): POST /get-online-features, /push,
// /write-to-online-store, /materialize, /materialize-incremental and GET /health, with Feast's
// request and response shapes and Feast's error bodies and statuses (feast-errors.ts), so Feast's own
// clients work unchanged. Bearer tokens are checked against the registry through the in-process
// cache (token-cache.ts); the use cases are the same lib functions the Next routes call.
import "server-only";
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { authorize } from "../auth/authorize";
import type { Principal } from "../auth/principal";
import { bearerToken } from "../auth/resolve-principal";
import { fastApiDetail, feastErrorResponse } from "./feast-errors";
import { countedCredentialFailure, pooledAlloc, refuseBlockedClient, releaseWhenSent, send } from "./node-http";
import { readJsonBody } from "./read-body";
import { feastMaterialize, feastMaterializeIncremental } from "./feast-materialize";
import { env } from "../config/env";
import { badRequest, forbidden, notFound, unauthenticated } from "../errors";
import { getOnlineFeaturesJson, readWithFreshCredentialsOnStale } from "../online/get-online-features";
import { pushRows } from "../online/push";
import { writeToOnlineStore } from "../online/write-to-online-store";
import { getCatalog } from "../registry/catalog-cache";
import { principalForToken } from "../auth/token-cache";

export const PROJECT_HEADER = "x-larder-project";


/** The body as a JSON object (Feast's bodies are all objects). */
function asObject(body: unknown): Record<string, unknown> {
  if (typeof body !== "object" || body === null || Array.isArray(body)) throw badRequest("The request body must be a JSON object.");
  return body as Record<string, unknown>;
}

function bearer(req: IncomingMessage): string {
  const token = bearerToken(req.headers.authorization);
  if (token === null) throw unauthenticated('Send "Authorization: Bearer <API token>"; the feature server accepts API tokens only.');
  return token;
}

/**
 * Project from the body's `project`, the `?project=` query parameter (how Feast's clients scope a
 * request), the X-Larder-Project header, or the token's only project.
 */
function projectOf(req: IncomingMessage, fromBody: unknown, principal: Principal): string {
  if (fromBody !== undefined) {
    if (typeof fromBody !== "string" || fromBody === "") throw badRequest('"project" must be a project name.');
    return fromBody;
  }
  const q = (req.url ?? "").indexOf("?");
  const fromQuery = q < 0 ? null : new URLSearchParams((req.url ?? "").slice(q + 1)).get("project");
  if (fromQuery) return fromQuery;
  const header = req.headers[PROJECT_HEADER];
  if (typeof header === "string" && header !== "") return header;
  const grants = principal.kind === "anonymous" ? [] : principal.grants;
  if (grants.length === 1) return grants[0].projectName;
  throw badRequest(`Say which project: a "project" field in the body or the ${PROJECT_HEADER} header.`);
}

async function authorized(
  req: IncomingMessage,
  bodyProject: unknown,
  permission: "features.read" | "features.push" | "jobs.run",
): Promise<{ principal: Principal; fromCache: boolean; project: string; projectId: string }> {
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
  return { principal, fromCache, project, projectId: catalog.projectId };
}

/** A Feast POST path; `run` authorizes with the permission its use case needs (features.read, features.push, jobs.run). */
interface PostRoute {
  /** Largest body; default MAX_BODY_BYTES. */
  maxBytes?: number;
  run(ctx: { req: IncomingMessage; res: ServerResponse; body: Record<string, unknown>; bodyProject: unknown; requestId: string }): Promise<void>;
}

const PUSH_LIMIT = 64 * 1024 * 1024;

/** Feast's POST paths. */
const POST_ROUTES: Record<string, PostRoute> = {
  "/get-online-features": {
    async run({ req, res, body, bodyProject, requestId }) {
      const auth = await authorized(req, bodyProject, "features.read");
      const json = await readWithFreshCredentialsOnStale(
        auth,
        async () => (await authorized(req, bodyProject, "features.read")).principal,
        (principal, verifyAuthGeneration) => getOnlineFeaturesJson({ project: auth.project, principal, request: body, verifyAuthGeneration }, pooledAlloc),
      );
      releaseWhenSent(res, json);
      send(res, 200, json, "application/json", requestId);
    },
  },
  "/push": {
    maxBytes: PUSH_LIMIT,
    async run({ req, res, body, bodyProject, requestId }) {
      const auth = await authorized(req, bodyProject, "features.push");
      await pushRows({ project: auth.project, principal: auth.principal, request: body });
      // Feast answers a push with an empty 200.
      res.writeHead(200, { "content-length": 0, "x-request-id": requestId });
      res.end();
    },
  },
  "/write-to-online-store": {
    maxBytes: PUSH_LIMIT,
    async run({ req, res, body, bodyProject, requestId }) {
      const auth = await authorized(req, bodyProject, "features.push");
      await writeToOnlineStore({ project: auth.project, principal: auth.principal, request: body });
      send(res, 200, "null", "application/json", requestId);
    },
  },
  "/materialize": materializeRoute(feastMaterialize),
  "/materialize-incremental": materializeRoute(feastMaterializeIncremental),
};

/** Feast's materialize paths: Larder's jobs, with the permission /api/v1's materialize routes need. */
function materializeRoute(fn: typeof feastMaterialize): PostRoute {
  return {
    async run({ req, res, body, bodyProject, requestId }) {
      const auth = await authorized(req, bodyProject, "jobs.run");
      const out = await fn({ projectId: auth.projectId, principal: auth.principal, async: asyncQuery(req), signal: clientGone(req, res) }, body);
      send(res, out.status, out.body, "application/json", requestId);
    },
  };
}

/** Feast's `?async=true`. */
function asyncQuery(req: IncomingMessage): boolean {
  const q = (req.url ?? "").indexOf("?");
  return q >= 0 && ["true", "1"].includes((new URLSearchParams((req.url ?? "").slice(q + 1)).get("async") ?? "").toLowerCase());
}

/** Fires when the client closes the connection before the answer (a synchronous materialize stops waiting; its jobs run on). */
function clientGone(req: IncomingMessage, res: ServerResponse): AbortSignal {
  const ac = new AbortController();
  res.once("close", () => {
    if (!res.writableFinished) ac.abort();
  });
  req.once("aborted", () => ac.abort());
  return ac.signal;
}

async function route(req: IncomingMessage, res: ServerResponse, requestId: string): Promise<void> {
  const path = (req.url ?? "/").split("?")[0];
  if (path === "/health") {
    if (req.method !== "GET" && req.method !== "HEAD") return writeFeast(res, fastApiDetail(405, "Method Not Allowed", requestId, { allow: "GET" }));
    // Feast answers an empty 200.
    res.writeHead(200, { "content-length": 0, "x-request-id": requestId });
    res.end();
    return;
  }
  const r = POST_ROUTES[path];
  if (!r) return writeFeast(res, fastApiDetail(404, "Not Found", requestId));
  if (req.method !== "POST") return writeFeast(res, fastApiDetail(405, "Method Not Allowed", requestId, { allow: "POST" }));
  // A client address over its credential-failure limit is refused before anything is read.
  refuseBlockedClient(req);
  // Feast's clients may send no Content-Type; one that is not JSON is refused as on /api/v1.
  const body = asObject(await readJsonBody(req, { maxBytes: r.maxBytes ?? env().MAX_BODY_BYTES, allowMissingType: true }));
  // `project` is the feature server's addition to Feast's bodies; the use cases never see it.
  const bodyProject = body.project;
  delete body.project;
  await r.run({ req, res, body, bodyProject, requestId });
}

function writeFeast(res: ServerResponse, e: { status: number; headers: Record<string, string>; body: string }): void {
  res.writeHead(e.status, { ...e.headers, "content-length": Buffer.byteLength(e.body) });
  res.end(e.body);
}

export function createFeatureServer(): Server {
  const server = createServer((req, res) => {
    const requestId = (req.headers["x-request-id"] as string | undefined) ?? randomUUID();
    route(req, res, requestId).catch(async (err: unknown) => {
      // The client went away mid-request (load generators do at the end of a run): nobody to answer.
      if (req.destroyed && res.socket?.destroyed !== false) return;
      const e = feastErrorResponse(await countedCredentialFailure(req, err), requestId);
      if (res.headersSent) return void res.destroy();
      writeFeast(res, e);
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
