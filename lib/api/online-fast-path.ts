// The online read inside the Next process without Next's request machinery (docs/architecture.md,
// "Online read in the Next process"). Profiling `next start` showed a warm bearer-token read spend
// most of its CPU in Next itself (routing, tracing, the Node → Web Request conversion and the
// web-stream answer), not in the read: ~1–4 ms of CPU per request against ~0.1 ms in the feature
// server. instrumentation.ts installs this at server start: a POST to
// /api/v1/projects/{project}/online-features with a bearer token is answered at the node:http level
// with the same steps as the route (route.ts through handle(): token cache, catalog cache,
// authorize, path check, JSON body, the byte-level read), the same credential-failure limits (429)
// and the same problem+json errors; every
// other request (session cookies, other methods and paths) goes on to Next unchanged.
import "server-only";
import { randomUUID } from "node:crypto";
import { Server, type IncomingMessage, type ServerResponse } from "node:http";
import { authorize } from "../auth/authorize";
import type { Principal } from "../auth/principal";
import { bearerToken, principalFromHeaders } from "../auth/resolve-principal";
import { principalForToken } from "../auth/token-cache";
import { env } from "../config/env";
import { getOnlineFeaturesJson, readWithFreshCredentialsOnStale } from "../online/get-online-features";
import { getCatalog } from "../registry/catalog-cache";
import { getOnlineFeaturesEndpoint } from "./endpoints/retrieval";
import { parseWith, StorableText, type ProjectRow } from "./handle";
import { countedCredentialFailure, pooledAlloc, refuseBlockedClient, releaseWhenSent, send } from "./node-http";
import { readJsonBody } from "./read-body";
import { problemFromError, problemHeaders } from "./problem";

// No query string: handle() checks one (StorableText), so such a request goes to Next.
const ONLINE_PATH = /^\/api\/v1\/projects\/([^/?#]+)\/online-features$/;

/**
 * The online read's answer as JSON bytes for an authorized caller, shared by the route (route.ts)
 * and the fast path: a cached principal whose token was revoked or changed mid-read is resolved
 * again from the registry (`authorization`) and the read retried once.
 */
export function onlineReadJson(
  project: ProjectRow,
  principal: Principal,
  principalFromCache: boolean,
  authorization: string | null,
  body: unknown,
  alloc?: (size: number) => Buffer,
): Promise<Buffer> {
  return readWithFreshCredentialsOnStale(
    { principal, fromCache: principalFromCache },
    async () => {
      const fresh = await principalFromHeaders(new Headers(authorization ? { authorization } : {}));
      authorize(fresh, getOnlineFeaturesEndpoint.permission, project);
      return fresh;
    },
    (p, verifyAuthGeneration) => getOnlineFeaturesJson({ project: project.name, principal: p, request: body, verifyAuthGeneration }, alloc),
  );
}

/** The path's project segment when this request is the fast path's (a POST with a bearer token), else null. */
export function fastPathProject(req: IncomingMessage): string | null {
  if (req.method !== "POST") return null;
  const auth = req.headers.authorization;
  // Anything but a bearer token (a session cookie, a malformed header) goes through handle().
  if (typeof auth !== "string" || !/^\s*Bearer\s/i.test(auth)) return null;
  const m = ONLINE_PATH.exec(req.url ?? "");
  if (!m) return null;
  try {
    return decodeURIComponent(m[1]);
  } catch {
    return null; // handle() answers the malformed path
  }
}

/** Answers one online read at the node:http level, as handle() + route.ts would. */
export async function answerOnlineRead(req: IncomingMessage, res: ServerResponse, projectName: string): Promise<void> {
  const header = req.headers["x-request-id"];
  const requestId = typeof header === "string" && header !== "" ? header : randomUUID();
  try {
    // handle()'s steps, in its order.
    parseWith(StorableText, { project: projectName }, "path");
    refuseBlockedClient(req);
    const authorization = req.headers.authorization ?? null;
    const token = bearerToken(authorization)!;
    const ep = getOnlineFeaturesEndpoint;
    const { principal, fromCache } = await principalForToken(token);
    const catalog = await getCatalog(projectName);
    const project: ProjectRow = { id: catalog.projectId, name: catalog.project, description: "" };
    authorize(principal, ep.permission, project);
    if (ep.params) parseWith(ep.params, { project: projectName }, "path");
    const body = await readJsonBody(req, { maxBytes: ep.maxBodyBytes ?? env().MAX_BODY_BYTES });
    const json = await onlineReadJson(project, principal, fromCache, authorization, body, pooledAlloc);
    releaseWhenSent(res, json);
    send(res, 200, json, "application/json; charset=utf-8", requestId);
  } catch (err) {
    // The client closed the connection mid-request: nobody reads an answer (as handle()'s 499).
    if (req.destroyed && res.socket?.destroyed !== false) return;
    if (res.headersSent) return void res.destroy();
    const p = problemFromError(await countedCredentialFailure(req, err), requestId);
    const text = JSON.stringify(p);
    res.writeHead(p.status, { ...problemHeaders(p), "content-length": Buffer.byteLength(text) });
    res.end(text);
  }
}

const g = globalThis as unknown as { larderOnlineFastPath?: boolean };

/**
 * Routes the online reads of every node:http server in this process (Next's, in `next start`)
 * through answerOnlineRead before Next sees them. Idempotent; ONLINE_FAST_PATH=false turns it off.
 */
export function installOnlineFastPath(): boolean {
  if (g.larderOnlineFastPath || !env().ONLINE_FAST_PATH) return false;
  g.larderOnlineFastPath = true;
  const emit = Server.prototype.emit;
  Server.prototype.emit = function (this: Server, event: string | symbol, ...args: unknown[]): boolean {
    if (event === "request") {
      const [req, res] = args as [IncomingMessage, ServerResponse];
      const project = fastPathProject(req);
      if (project !== null) {
        void answerOnlineRead(req, res, project);
        return true;
      }
    }
    return emit.call(this, event, ...args);
  } as typeof Server.prototype.emit;
  return true;
}
