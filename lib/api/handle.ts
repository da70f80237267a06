// The one wrapper every /api/v1 route goes through: who is calling, may they, parse the input with
// zod, call one use case, and turn every error into problem+json.
import "server-only";
import { randomUUID } from "node:crypto";
import { z } from "zod";
import { authorize } from "../auth/authorize";
import { clientAddress, requestedHost } from "../auth/client-address";
import { credentialFailures } from "../auth/credential-failures";
import { isProjectPermission } from "../auth/permissions";
import type { Principal } from "../auth/principal";
import { bearerToken, presentedBearer, principalFromHeaders, readCookie } from "../auth/resolve-principal";
import { SESSION_COOKIE } from "../auth/secrets";
import { env } from "../config/env";
import { requestLog, type Logger } from "../config/log";
import { db } from "../db/client";
import { LarderError, forbidden, notFound } from "../errors";
import { refineStorableText } from "../shared/pg-text";
import { getCatalog } from "../registry/catalog-cache";
import { principalForToken } from "../auth/token-cache";
import type { Endpoint } from "./endpoint";
import { readJsonBody } from "./read-body";
import { problemResponse, zodIssuesToParams } from "./problem";

export interface ProjectRow {
  id: string;
  name: string;
  description: string;
}

export interface HandlerContext<P, Q, B> {
  request: Request;
  requestId: string;
  /** This request's logger (every line carries its request id). */
  log: Logger;
  principal: Principal;
  params: P;
  query: Q;
  body: B;
  /** Present when the path has a {project} segment: the project, found and authorized. */
  project: ProjectRow;
  /**
   * True when the principal came from the in-process token cache (HandleOptions.cachedTokenAuth):
   * the handler must verify the auth generation in its own round trip and re-resolve on a
   * StaleCredentialsError, as the online read does.
   */
  principalFromCache: boolean;
}

export interface HandleOptions {
  /**
   * Inference hot path: a bearer token resolves through the in-process token cache and the project
   * through the registry catalog cache (lib/online/registry-cache.ts), so a warm request makes no
   * Postgres query. Session cookies and missing credentials take the normal path.
   */
  cachedTokenAuth?: boolean;
}

/** What a request presented to prove who it is, for the credential-failure limits. */
interface PresentedCredential {
  address: string | null;
  token: string | null;
  failed: boolean;
}

type Out<T> = T extends z.ZodType ? z.output<T> : undefined;
type RouteContext = { params: Promise<Record<string, string | string[]>> };

/**
 * JSON that survives BigInt counters (job row counts) and Dates. `headers` may repeat a name as
 * entries (`[["set-cookie", a], ["set-cookie", b]]`): each becomes its own header line.
 */
export function jsonResponse(data: unknown, status = 200, headers: HeadersInit = {}): Response {
  const h = new Headers(headers);
  if (!h.has("content-type")) h.set("content-type", "application/json; charset=utf-8");
  return new Response(JSON.stringify(data, (_k, v) => (typeof v === "bigint" ? Number(v) : v)), { status, headers: h });
}

function queryObject(url: URL): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of url.searchParams) {
    const prev = out[k];
    out[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  return out;
}

export function parseWith<S extends z.ZodType>(schema: S, value: unknown, where: string): z.output<S> {
  const r = schema.safeParse(value);
  if (!r.success) {
    throw new LarderError("bad_request", `The ${where} is invalid: ${r.error.issues.map((i) => `${i.path.join(".") || where}: ${i.message}`).join("; ")}`, {
      invalidParams: zodIssuesToParams(r.error, where === "body" ? "" : where),
    });
  }
  return r.data;
}

/** Path segments, query values and (most) bodies are looked up in or written to Postgres text. */
export const StorableText = z.unknown().superRefine(refineStorableText);

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * Cookie sessions are ambient credentials, so a write made with one must come from the console
 * itself. SameSite=Lax already keeps the cookie off cross-site POSTs; this also refuses a write
 * whose Origin is not the console's own (defence in depth, e.g. sibling subdomains count as
 * same-site): PUBLIC_URL's origin, or the host the browser addressed (Host, or X-Forwarded-Host only
 * from a trusted proxy: requestedHost). `Origin: null` (sandboxed frames, some redirects) is
 * refused: it could be anyone. Bearer tokens are never sent implicitly and are not checked.
 */
function refuseCrossSiteSessionWrite(request: Request, principal: Principal): void {
  if (principal.kind !== "user" || SAFE_METHODS.has(request.method.toUpperCase())) return;
  const origin = request.headers.get("origin");
  if (origin === null) {
    if (request.headers.get("sec-fetch-site") === "cross-site") throw forbidden("Cross-site requests may not use the console session.");
    return;
  }
  if (origin.trim().toLowerCase() === "null") {
    throw forbidden('A request with "Origin: null" (a sandboxed frame, a file, a cross-origin redirect) may not use the console session; send it from the console or use an API token.');
  }
  let from: URL;
  try {
    from = new URL(origin);
  } catch {
    throw forbidden("The Origin header is not a URL.");
  }
  if (from.origin === new URL(env().PUBLIC_URL).origin || from.host === requestedHost(request)) return;
  throw forbidden(`Requests from ${origin} may not use the console session.`);
}

export async function loadProject(name: string): Promise<ProjectRow> {
  const p = await db().project.findUnique({ where: { name }, select: { id: true, name: true, description: true, archivedAt: true } });
  if (!p || p.archivedAt) throw notFound(`Project "${name}" does not exist.`);
  return { id: p.id, name: p.name, description: p.description };
}

/** What a handler may return: the endpoint's response shape, or a Response it built itself. */
type Result<R> = R extends z.ZodType ? z.input<R> | Response : unknown;

export function handle<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType, R extends z.ZodType>(
  ep: Endpoint<P, Q, B, R>,
  fn: (ctx: HandlerContext<Out<P>, Out<Q>, Out<B>>) => Promise<Result<R>>,
  opts: HandleOptions = {},
): (request: Request, context: RouteContext) => Promise<Response> {
  const wrapped = async (request: Request, context: RouteContext): Promise<Response> => {
    const requestId = request.headers.get("x-request-id") ?? randomUUID();
    // A presented credential that fails is counted (credential-failures.ts); a client address over
    // its limit is refused before its credential is checked.
    const credential: PresentedCredential = { address: null, token: null, failed: false };
    try {
      const rawParams = context?.params ? await context.params : {};
      // Before any lookup: a NUL in a segment would fail the registry query (a 500), not miss.
      parseWith(StorableText, rawParams, "path");
      const authorization = request.headers.get("authorization");
      const sessionCookie = authorization === null ? readCookie(request.headers.get("cookie"), SESSION_COOKIE) : undefined;
      // A session cookie on a public route (the login form with yesterday's cookie) proves nothing
      // and is not refused: a blocked address can still sign in (the login has its own throttle).
      if (authorization !== null || (sessionCookie !== undefined && ep.permission !== "public")) {
        credential.address = clientAddress(request.headers);
        credential.token = presentedBearer(authorization);
        credentialFailures().refuseIfBlocked(() => credential.address);
      }
      let principal: Principal;
      let principalFromCache = false;
      let project: ProjectRow | undefined;
      try {
        const token = opts.cachedTokenAuth ? bearerToken(authorization) : null;
        if (token !== null && isProjectPermission(ep.permission) && typeof rawParams.project === "string") {
          const cached = await principalForToken(token);
          principal = cached.principal;
          principalFromCache = cached.fromCache;
          const catalog = await getCatalog(rawParams.project);
          project = { id: catalog.projectId, name: catalog.project, description: "" };
          authorize(principal, ep.permission, project);
        } else {
          principal = await principalFromHeaders(request.headers);
        }
      } catch (e) {
        // The credential itself was refused (a missing grant is a 403, not counted).
        credential.failed = e instanceof LarderError && e.code === "unauthenticated";
        throw e;
      }
      // A session cookie that no longer signs in, on a route that needs a principal.
      if (sessionCookie !== undefined && principal.kind === "anonymous" && ep.permission !== "public") credential.failed = true;
      refuseCrossSiteSessionWrite(request, principal);
      // (A project found through the caches above is already authorized.)
      if (!project && isProjectPermission(ep.permission)) {
        if (principal.kind === "anonymous") authorize(principal, ep.permission, { id: "", name: "" });
        const name = rawParams.project;
        if (typeof name !== "string") throw new Error(`${ep.id}: project permission on a path without {project}`);
        project = await loadProject(name);
        authorize(principal, ep.permission, project);
      } else if (!project) {
        authorize(principal, ep.permission);
      }
      const params = ep.params ? parseWith(ep.params, rawParams, "path") : rawParams;
      const url = new URL(request.url);
      const rawQuery = queryObject(url);
      parseWith(StorableText, rawQuery, "query");
      const query = ep.query ? parseWith(ep.query, rawQuery, "query") : undefined;
      let body: unknown = undefined;
      if (ep.body) {
        const raw = await readJsonBody(request, { maxBytes: ep.maxBodyBytes ?? env().MAX_BODY_BYTES });
        if (!ep.bodyCheckedByHandler && !ep.bodyHoldsValues) parseWith(StorableText, raw, "body");
        body = ep.bodyCheckedByHandler ? raw : parseWith(ep.body, raw, "body");
      }
      const result = await fn({
        request,
        requestId,
        log: requestLog(requestId),
        principal,
        params: params as Out<P>,
        query: query as Out<Q>,
        body: body as Out<B>,
        project: project as ProjectRow,
        principalFromCache,
      });
      if (result instanceof Response) return result;
      const status = ep.successStatus ?? 200;
      // 204/205/304 may not carry a body (the Response constructor throws if given one).
      if (status === 204 || status === 205 || status === 304) {
        return new Response(null, { status, headers: { "x-request-id": requestId } });
      }
      return jsonResponse(result, status, { "x-request-id": requestId });
    } catch (err) {
      // The client closed the connection mid-request: nobody reads an answer and nothing failed on
      // our side, so no problem document and no error log (load generators drop connections).
      if (request.signal?.aborted || (err as Error | null)?.message === "aborted") return new Response(null, { status: 499 });
      if (credential.failed && err instanceof LarderError && err.code === "unauthenticated") {
        return problemResponse((await credentialFailures().failed(credential.address, credential.token, err.subject === "unknown_token")) ?? err, requestId);
      }
      return problemResponse(err, requestId);
    }
  };
  (wrapped as { endpoint?: Endpoint }).endpoint = ep;
  return wrapped;
}
