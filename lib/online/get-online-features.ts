// Online feature read (docs/retrieval.md, "Online features"): Feast's request and response shapes,
// one pipelined Redis round trip per request (the registry generation check rides along), registry
// lookups from the in-process catalog, ttl enforced at read time (OUTSIDE_MAX_AGE). This file
// orchestrates the read's parts: validation (read-request.ts), planning (read-plan.ts), the Redis
// read (read-redis.ts) and the answer as objects (read-response.ts) or bytes (read-response-bytes.ts).
import "server-only";
import type { Principal } from "../auth/principal";
import { canReadRestrictedView } from "../auth/authorize";
import { forbidden } from "../errors";
import { isCluster, sharedRedis } from "../redis/connection";
import { getCatalog, invalidateCatalog } from "../registry/catalog-cache";
import { invalidateTokens, tokenCacheGeneration } from "../auth/token-cache";
import { AUTH_GENERATION_KEY, registryGenerationKey } from "../redis/generations";
import { compilePlan, type OnlinePlan } from "./read-plan";
import { readCluster, readSingle } from "./read-redis";
import { checkEntities, checkRequestShape } from "./read-request";
import { buildResponseJson } from "./read-response-bytes";
import { buildResponse, fieldRows } from "./read-response";
import { type OnlineFeaturesResponse, type OnlineRead, type ViewStaleness } from "./read-types";
import { viewFreshness } from "../registry/view-freshness";

/** Thrown when cached credentials were invalidated mid-request; the caller re-resolves and retries. */
export class StaleCredentialsError extends Error {
  constructor() {
    super("cached credentials were invalidated");
  }
}

/**
 * Runs an online read as `first` (a principal from the token cache or the registry); when the
 * cached credentials turn out to be stale mid-read (a token revoked or a grant changed since they
 * were cached), resolves them again with `fresh` (which reads the registry and authorizes) and
 * reads once more. The feature server and the Next route share it.
 */
export async function readWithFreshCredentialsOnStale<T>(
  first: { principal: Principal; fromCache: boolean },
  fresh: () => Promise<Principal>,
  read: (principal: Principal, verifyAuthGeneration: boolean) => Promise<T>,
): Promise<T> {
  try {
    return await read(first.principal, first.fromCache);
  } catch (e) {
    if (!(e instanceof StaleCredentialsError)) throw e;
    return read(await fresh(), false);
  }
}

export interface GetOnlineFeaturesInput {
  project: string;
  principal: Principal;
  request: unknown;
  /** The principal came from the token cache: verify the auth generation in the same round trip. */
  verifyAuthGeneration?: boolean;
  /** Read time for ttl, epoch ms (tests); default now. */
  now?: number;
}

/** `bytes`: field values stay Buffers for the byte-level JSON writer; otherwise strings. */
export async function readOnline(input: GetOnlineFeaturesInput, bytes = false): Promise<OnlineRead> {
  const req = checkRequestShape(input.request);
  for (let attempt = 0; ; attempt++) {
    const catalog = await getCatalog(input.project);
    let plan: OnlinePlan;
    try {
      plan = compilePlan(catalog, req);
    } catch (e) {
      // An unknown ref may be new in a registry applied since this snapshot: check before failing.
      if (attempt === 0 && (await sharedRedis("online").get(registryGenerationKey(catalog.project))) !== catalog.generation) {
        invalidateCatalog(catalog.project);
        continue;
      }
      throw e;
    }
    const refused = plan.restrictedViews.find((view) => !canReadRestrictedView(input.principal, { id: catalog.projectId, name: catalog.project }, view));
    if (refused !== undefined) {
      // A refusal is decided on fresh data only: the restriction may have been lifted, or the grant
      // given, since these snapshots were taken (a GET on the refusal path, never on the hot path).
      if (attempt === 0 && (await sharedRedis("online").get(registryGenerationKey(catalog.project))) !== catalog.generation) {
        invalidateCatalog(catalog.project);
        continue;
      }
      if (input.verifyAuthGeneration === true) {
        const authGen = await sharedRedis("online").get(AUTH_GENERATION_KEY);
        if (authGen !== tokenCacheGeneration()) {
          invalidateTokens(authGen);
          throw new StaleCredentialsError();
        }
      }
      throw forbidden(`Feature view "${refused}" is restricted; ask a project admin to grant you access to its values.`);
    }
    const { n, keyTexts } = checkEntities(req.entities, plan);
    const redis = sharedRedis("online");
    // The generation counters (the registry's; the auth one too when the principal came from the
    // cache) are read in the same round trip as the values: on one Redis they ride in the first
    // script call (one command for a request of up to READ_CHUNK rows), on a cluster as GETs.
    const checkAuth = input.verifyAuthGeneration === true;
    const counterKeys = checkAuth ? [registryGenerationKey(catalog.project), AUTH_GENERATION_KEY] : [registryGenerationKey(catalog.project)];
    const { chunks, counters } = isCluster(redis)
      ? await readCluster(redis, plan, keyTexts, n, counterKeys, bytes)
      : await readSingle(redis, plan, keyTexts, n, counterKeys, bytes);
    const generation = counters[0];
    if (generation !== catalog.generation && attempt === 0) {
      invalidateCatalog(catalog.project);
      continue;
    }
    if (checkAuth) {
      const authGen = counters[1];
      if (authGen !== tokenCacheGeneration()) {
        invalidateTokens(authGen);
        throw new StaleCredentialsError();
      }
    }
    return { plan, req, n, keyTexts, chunks, nowUs: (input.now ?? Date.now()) * 1000 };
  }
}

export async function getOnlineFeatures(input: GetOnlineFeaturesInput): Promise<OnlineFeaturesResponse> {
  const r = await readOnline(input);
  const res = buildResponse(r, fieldRows(r));
  if (r.req.include_staleness === true) res.metadata.staleness = await staleness(input.project, r);
  return res;
}

/** Freshness of each view the read touched (only when the request asks: it costs registry queries). */
async function staleness(project: string, r: OnlineRead): Promise<Record<string, ViewStaleness>> {
  const views = [...new Set(r.plan.slots.map((s) => s.vv.view))];
  const catalog = await getCatalog(project);
  const fr = await viewFreshness(catalog.projectId, new Date(r.nowUs / 1000), views);
  return Object.fromEntries(
    views.map((v) => {
      const f = fr.get(v) ?? null;
      return [v, { materialized_until: f?.materializedUntil?.toISOString() ?? null, newest_event_time: f?.newestEventTime?.toISOString() ?? null, last_success_at: f?.lastSuccessAt?.toISOString() ?? null, freshness_objective_seconds: f?.objectiveSeconds ?? null, stale: f ? f.stale : null }];
    }),
  );
}

/**
 * The same read as getOnlineFeatures, answered as the UTF-8 JSON of the Feast response (what the
 * feature server sends), written byte by byte from the stored packed values: no per-value strings,
 * no nested arrays, no JSON.stringify — serialization and its garbage were most of the hot path.
 * JSON.parse of the result equals getOnlineFeatures' object (online-response-json.int.test.ts).
 * `alloc(size)` provides the answer's buffer (exactly `size` bytes), e.g. from a pool.
 */
export async function getOnlineFeaturesJson(input: GetOnlineFeaturesInput, alloc: (size: number) => Buffer = Buffer.allocUnsafe): Promise<Buffer> {
  const r = await readOnline(input, true);
  const extra = r.req.include_staleness === true ? `"staleness":${JSON.stringify(await staleness(input.project, r))}` : "";
  return buildResponseJson(r, alloc, extra);
}
