// Online feature read (DESIGN §2 "Online read at now", §5): Feast's request and response shapes,
// one pipelined Redis round trip per request (the registry generation check rides along), registry
// lookups from the in-process catalog, ttl enforced at read time (OUTSIDE_MAX_AGE).
// The entity hashes are read by a small Lua script, one call per up to READ_CHUNK entities, rather
// than one HMGET per entity: the client's per-command cost (a Command object, a promise, its RESP
// encoding — about 2.5 KB of garbage each) was most of a 100-entity read; Redis does the same
// HMGETs either way. The script answers with ONE string (fields joined by US, \x1f, which valid
// JSON and decimal times never contain), so the client decodes one reply, not 100 arrays of 2.
// The request is validated by hand in tight loops: it runs on every inference call.
import type { Cluster, Redis } from "ioredis";
import type { Principal } from "../auth/principal";
import { canReadRestrictedView } from "../auth/authorize";
import { LarderError, badRequest, forbidden } from "../errors";
import { ClusterBatch, groupBySlot } from "../redis/cluster";
import { coalesceWrites } from "../redis/coalesce";
import { isCluster, sharedRedis, type OnlineRedis } from "../redis/connection";
import { aggField, asofField, projectKeyPrefix, rowField, tsField } from "./keys";
import { getCatalog, invalidateCatalog, resolveFromCatalog, type CatalogViewVersion, type ProjectCatalog, type ResolvedFeature } from "../registry/catalog-cache";
import { invalidateTokens, tokenCacheGeneration } from "../auth/token-cache";
import { AUTH_GENERATION_KEY, registryGenerationKey } from "../redis/generations";

export type EntityValue = string | number | boolean;

export interface OnlineFeaturesRequest {
  features?: string[];
  feature_service?: string;
  entities: Record<string, EntityValue[]>;
  full_feature_names?: boolean;
}

export type FeatureStatus = "PRESENT" | "NOT_FOUND" | "NULL_VALUE" | "OUTSIDE_MAX_AGE";

export interface OnlineFeaturesResponse {
  metadata: { feature_names: string[] };
  results: { values: unknown[]; statuses: FeatureStatus[]; event_timestamps: string[] }[];
}

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

export const EPOCH_ISO = "1970-01-01T00:00:00Z";
/** Entity rows one online request may ask for (Feast has no limit; Redis pipelines this fine). */
export const MAX_ONLINE_ENTITY_ROWS = 10_000;

interface ViewSlot {
  vv: CatalogViewVersion;
  group: number;
  /** Indexes into the group's HMGET fields; -1 when no requested feature needs that field. */
  tsIdx: number;
  rowIdx: number;
  asofIdx: number;
  aggIdx: number;
  /** Feature name → index in the packed `__row` / `__agg` array (keys.ts). */
  rowPos: Map<string, number>;
  aggPos: Map<string, number>;
  ttlMs: number | null;
}

interface PlanColumn {
  name: string;
  feature: ResolvedFeature;
  slot: ViewSlot;
  /** Index in the slot's packed array of the column's kind. */
  pos: number;
  isAggregation: boolean;
}

interface PlanGroup {
  /** Join key names sorted (key layout order). */
  keyNames: string[];
  buildKey: (sortedValues: readonly unknown[]) => string;
  fields: string[];
}

interface OnlinePlan {
  columns: PlanColumn[];
  groups: PlanGroup[];
  slots: ViewSlot[];
  /** Every join key the request must provide → dtype. */
  joinKeys: Map<string, string>;
  restrictedViews: string[];
  /** The columns' names as JSON strings joined by commas (the response's feature_names tail). */
  columnNamesJson: string;
}

/**
 * Entity keys in keys.ts's layout (`entityKey`), with the per-key prefixes computed once per plan
 * instead of sorting and joining names on every row of every request.
 */
function entityKeyBuilder(project: string, sortedNames: readonly string[]): (sortedValues: readonly unknown[]) => string {
  const head = projectKeyPrefix(project);
  const parts = sortedNames.map((n, i) => `${i > 0 ? "," : ""}${n}=`);
  if (parts.length === 1) {
    const p0 = head + parts[0];
    return (v) => p0 + encodeURIComponent(String(v[0]));
  }
  return (v) => {
    let key = head;
    for (let i = 0; i < parts.length; i++) key += parts[i] + encodeURIComponent(String(v[i]));
    return key;
  };
}

function compilePlan(catalog: ProjectCatalog, req: OnlineFeaturesRequest): OnlinePlan {
  const cacheKey = `${req.feature_service ?? ""}\u0000${req.full_feature_names ? 1 : 0}\u0000${(req.features ?? []).join("\u0000")}`;
  const hit = catalog.plans.get(cacheKey) as OnlinePlan | undefined;
  if (hit) return hit;
  const resolved = resolveFromCatalog(catalog, req);
  const groups: PlanGroup[] = [];
  const groupByKeys = new Map<string, number>();
  const slots = new Map<string, ViewSlot>();
  const joinKeys = new Map<string, string>();
  const restricted = new Set<string>();
  const fieldIndex: Map<string, number>[] = [];
  const fieldOf = (group: number, field: string): number => {
    let idx = fieldIndex[group].get(field);
    if (idx === undefined) {
      idx = groups[group].fields.length;
      groups[group].fields.push(field);
      fieldIndex[group].set(field, idx);
    }
    return idx;
  };
  const columns: PlanColumn[] = [];
  const names = new Map<string, string>();
  for (const f of resolved) {
    const vv = f.viewVersion;
    let slot = slots.get(vv.id);
    if (!slot) {
      for (const k of vv.joinKeys) {
        const prev = joinKeys.get(k.name);
        if (prev && prev !== k.dtype) {
          throw badRequest(`Join key "${k.name}" has dtype ${prev} in one requested view and ${k.dtype} in ${vv.view}; request them separately.`);
        }
        joinKeys.set(k.name, k.dtype);
      }
      const keyNames = vv.joinKeys.map((k) => k.name).sort();
      const gk = keyNames.join(",");
      let group = groupByKeys.get(gk);
      if (group === undefined) {
        group = groups.length;
        groups.push({ keyNames, buildKey: entityKeyBuilder(catalog.project, keyNames), fields: [] });
        fieldIndex.push(new Map());
        groupByKeys.set(gk, group);
      }
      const rowNames = vv.features.filter((x) => x.kind !== "aggregation").map((x) => x.name);
      const aggNames = vv.features.filter((x) => x.kind === "aggregation").map((x) => x.name);
      slot = {
        vv,
        group,
        tsIdx: -1,
        rowIdx: -1,
        asofIdx: -1,
        aggIdx: -1,
        rowPos: new Map(rowNames.map((n, i) => [n, i])),
        aggPos: new Map(aggNames.map((n, i) => [n, i])),
        ttlMs: vv.ttlSeconds === null ? null : vv.ttlSeconds * 1000,
      };
      slots.set(vv.id, slot);
      if (vv.restricted) restricted.add(vv.view);
    }
    const name = req.full_feature_names
      ? `${f.view}${f.pinned ? `@v${f.version}` : ""}__${f.feature}`
      : f.feature;
    const prev = names.get(name);
    if (prev !== undefined) {
      if (prev === `${f.view}@${f.version}`) continue; // the same feature asked twice: answer once
      throw badRequest(
        `Feature name "${name}" is requested from two views (${prev.split("@")[0]} and ${f.view}); set "full_feature_names": true to tell them apart.`,
      );
    }
    names.set(name, `${f.view}@${f.version}`);
    const isAggregation = f.kind === "aggregation";
    // Only the packed fields some requested feature needs are read.
    if (isAggregation && slot.aggIdx < 0) {
      slot.asofIdx = fieldOf(slot.group, asofField(vv.view, vv.version));
      slot.aggIdx = fieldOf(slot.group, aggField(vv.view, vv.version));
    } else if (!isAggregation && slot.rowIdx < 0) {
      slot.tsIdx = fieldOf(slot.group, tsField(vv.view, vv.version));
      slot.rowIdx = fieldOf(slot.group, rowField(vv.view, vv.version));
    }
    const pos = (isAggregation ? slot.aggPos : slot.rowPos).get(f.feature);
    if (pos === undefined) throw new Error(`feature ${f.feature} is not in the catalog of ${vv.view}@v${vv.version}`);
    columns.push({ name, feature: f, slot, pos, isAggregation });
  }
  const plan: OnlinePlan = {
    columns,
    groups,
    slots: [...slots.values()],
    joinKeys,
    restrictedViews: [...restricted],
    columnNamesJson: columns.map((c) => JSON.stringify(c.name)).join(","),
  };
  if (catalog.plans.size > 1000) catalog.plans.clear();
  catalog.plans.set(cacheKey, plan);
  return plan;
}

const INT_STRING = /^-?[0-9]+$/;

function checkJoinKeyValue(key: string, dtype: string, v: unknown, i: number): void {
  let ok: boolean;
  switch (dtype) {
    case "int32":
    case "int64":
      ok = typeof v === "number" ? Number.isInteger(v) : typeof v === "string" && INT_STRING.test(v);
      if (ok && dtype === "int32" && (Number(v) > 2147483647 || Number(v) < -2147483648)) ok = false;
      break;
    case "float32":
    case "float64":
      ok = typeof v === "number" && Number.isFinite(v);
      break;
    case "bool":
      ok = typeof v === "boolean";
      break;
    default:
      ok = typeof v === "string";
  }
  if (!ok) {
    const expected =
      dtype === "int32" || dtype === "int64" ? "an integer" : dtype === "bool" ? "true or false" : dtype.startsWith("float") ? "a number" : "a string";
    throw new LarderError(
      "bad_request",
      `Join key "${key}" has dtype ${dtype}: every value must be ${expected}; entities.${key}[${i}] is ${JSON.stringify(v)}.`,
      { invalidParams: [{ name: `entities.${key}[${i}]`, reason: `expected ${dtype} (${expected})` }] },
    );
  }
}

/** Validates the entity columns against the plan's join keys; returns the row count. */
function checkEntities(entities: unknown, plan: OnlinePlan): number {
  if (typeof entities !== "object" || entities === null || Array.isArray(entities)) {
    throw badRequest('"entities" must be an object of join key → list of values, e.g. {"customer_id": [1, 2]}.', [
      { name: "entities", reason: "must be an object of join key → array" },
    ]);
  }
  const cols = entities as Record<string, unknown>;
  let n = -1;
  for (const key of Object.keys(cols)) {
    const dtype = plan.joinKeys.get(key);
    if (dtype === undefined) {
      throw badRequest(
        `"${key}" is not a join key of the requested features; they need ${[...plan.joinKeys.keys()].join(", ")}.`,
        [{ name: `entities.${key}`, reason: "not a join key of the requested feature views" }],
      );
    }
    const values = cols[key];
    if (!Array.isArray(values)) throw badRequest(`entities.${key} must be an array of values.`, [{ name: `entities.${key}`, reason: "must be an array" }]);
    if (n === -1) n = values.length;
    else if (values.length !== n) {
      throw badRequest(`Every entity column must have the same length; entities.${key} has ${values.length} values, others ${n}.`, [
        { name: `entities.${key}`, reason: `length ${values.length} ≠ ${n}` },
      ]);
    }
    for (let i = 0; i < values.length; i++) checkJoinKeyValue(key, dtype, values[i], i);
  }
  for (const key of plan.joinKeys.keys()) {
    if (!(key in cols)) {
      throw badRequest(`Missing entity column "${key}": the requested features need join keys ${[...plan.joinKeys.keys()].join(", ")}.`, [
        { name: `entities.${key}`, reason: `required (dtype ${plan.joinKeys.get(key)})` },
      ]);
    }
  }
  if (n <= 0) throw badRequest("The entity columns are empty; send at least one entity.", [{ name: "entities", reason: "no rows" }]);
  if (n > MAX_ONLINE_ENTITY_ROWS) {
    throw new LarderError("payload_too_large", `At most ${MAX_ONLINE_ENTITY_ROWS} entity rows per online request; got ${n}. Split the request.`);
  }
  return n;
}

function isoOf(ms: number): string {
  const s = new Date(ms).toISOString();
  // Feast prints whole seconds without a fraction.
  return s.endsWith(".000Z") ? `${s.slice(0, 19)}Z` : s;
}

function checkRequestShape(req: unknown): OnlineFeaturesRequest {
  if (typeof req !== "object" || req === null || Array.isArray(req)) throw badRequest("The request body must be a JSON object.");
  const r = req as Record<string, unknown>;
  if (r.features !== undefined && r.features !== null && !Array.isArray(r.features)) {
    throw badRequest('"features" must be a list of feature references.', [{ name: "features", reason: "must be an array of strings" }]);
  }
  if (r.feature_service !== undefined && r.feature_service !== null && typeof r.feature_service !== "string") {
    throw badRequest('"feature_service" must be a string.', [{ name: "feature_service", reason: "must be a string" }]);
  }
  if (r.full_feature_names !== undefined && typeof r.full_feature_names !== "boolean") {
    throw badRequest('"full_feature_names" must be true or false.', [{ name: "full_feature_names", reason: "must be a boolean" }]);
  }
  if (r.entities === undefined) throw badRequest('"entities" is required.', [{ name: "entities", reason: "required" }]);
  return r as unknown as OnlineFeaturesRequest;
}

export interface GetOnlineFeaturesInput {
  project: string;
  principal: Principal;
  request: unknown;
  /** The principal came from the token cache: verify the auth generation in the same round trip. */
  verifyAuthGeneration?: boolean;
  /** Read time for ttl (tests); default now. */
  now?: number;
}

/** What one online read fetched: the plan, the request, and each group's script replies. */
interface OnlineRead {
  plan: OnlinePlan;
  req: OnlineFeaturesRequest;
  n: number;
  /** chunks[group][c] = the read script's answer for entities c·READ_CHUNK.. (readLua). */
  chunks: (string | Buffer)[][];
  now: number;
}

/**
 * The first ARGV[1] KEYS are plain string keys (the generation counters, read in the same call so
 * a request is one command); every other key gets an HMGET of the fields ARGV[2..]. Answered as
 * one string: the counters, then per key per field the value ('' when absent), joined by US (\x1f).
 */
export const READ_LUA = `local nc, parts, k, fields = tonumber(ARGV[1]), {}, 0, {}
for f = 2, #ARGV do fields[f - 1] = ARGV[f] end
local nf = #fields
for i = 1, nc do k = k + 1; parts[k] = redis.call('GET', KEYS[i]) or '' end
for i = nc + 1, #KEYS do
  local v = redis.call('HMGET', KEYS[i], unpack(fields))
  for f = 1, nf do k = k + 1; parts[k] = v[f] or '' end
end
return table.concat(parts, '\\31')`;
const US = 0x1f;
/** Entities per script call: bounds how long one call holds Redis (about 1 ms per 1000). */
export const READ_CHUNK = 1000;
const READ_COMMAND = "larderOnlineRead";

type ReadCommander = {
  larderOnlineRead(numKeys: number, ...args: string[]): unknown;
  larderOnlineReadBuffer(numKeys: number, ...args: string[]): unknown;
};

function defineRead(redis: OnlineRedis): void {
  if (typeof (redis as unknown as Partial<ReadCommander>)[READ_COMMAND] !== "function") redis.defineCommand(READ_COMMAND, { lua: READ_LUA });
}

/**
 * What one read brings back from Redis: per plan group, its answers in chunks of READ_CHUNK
 * entities (fields joined by US), and the generation counters in counterKeys order.
 */
interface RedisAnswers {
  chunks: (string | Buffer)[][];
  counters: (string | null)[];
}

/**
 * readOnline on a Redis Cluster, where one script call's keys must share a slot: each group's
 * entities are grouped by slot (one read-script call per slot, at most READ_CHUNK keys), the
 * generation counters are plain GETs, and every call goes out at once (one write per node), so a
 * request still costs one round trip of latency. The answers are put back together in the single-node
 * shape (chunks[g][c]: entities c·READ_CHUNK.. of group g, fields joined by US, no counters), so
 * both response builders read them unchanged.
 */
async function readCluster(
  cluster: Cluster,
  plan: OnlinePlan,
  cols: Record<string, EntityValue[]>,
  n: number,
  counterKeys: string[],
  bytes: boolean,
): Promise<RedisAnswers> {
  defineRead(cluster);
  const batch = new ClusterBatch(cluster);
  const counterAt = counterKeys.map((k) => batch.add((c) => c.get(k)));
  // Per group, its script calls: the reply index and the entities (rows) each answers for.
  const calls: { at: number; rows: number[] }[][] = [];
  for (const g of plan.groups) {
    const keyCols = g.keyNames.map((k) => cols[k]);
    const keys: string[] = new Array(n);
    for (let i = 0; i < n; i++) keys[i] = g.buildKey(keyCols.map((c) => c[i]));
    const groupCalls: { at: number; rows: number[] }[] = [];
    for (const rows of groupBySlot(keys.keys(), (i) => keys[i]).values()) {
      for (let from = 0; from < rows.length; from += READ_CHUNK) {
        const part = rows.slice(from, from + READ_CHUNK);
        const args = [...part.map((i) => keys[i]), "0", ...g.fields];
        const at = batch.add((c) => {
          const script = c as unknown as ReadCommander;
          return (bytes ? script.larderOnlineReadBuffer(part.length, ...args) : script.larderOnlineRead(part.length, ...args)) as Promise<unknown>;
        });
        groupCalls.push({ at, rows: part });
      }
    }
    calls.push(groupCalls);
  }
  const replies = await batch.exec();
  const counters = counterAt.map((at) => (replies[at] as string | null) ?? null);
  const chunks = plan.groups.map((g, gi) => {
    // Each entity's fields are one run of its call's answer: [from, to) in that answer.
    const nf = g.fields.length;
    const src: (string | Buffer)[] = new Array(n);
    const from = new Int32Array(n);
    const to = new Int32Array(n);
    for (const { at, rows } of calls[gi]) {
      const answer = replies[at] as string | Buffer;
      let pos = 0;
      for (const i of rows) {
        src[i] = answer;
        from[i] = Math.min(pos, answer.length);
        let end = pos - 1;
        for (let f = 0; f < nf; f++) {
          end = typeof answer === "string" ? answer.indexOf("\x1f", end + 1) : answer.indexOf(US, end + 1);
          if (end < 0) end = answer.length;
        }
        to[i] = Math.max(from[i], end);
        pos = end + 1;
      }
    }
    const out: (string | Buffer)[] = [];
    for (let c = 0; c < n; c += READ_CHUNK) {
      const last = Math.min(n, c + READ_CHUNK);
      if (!bytes) {
        const parts: string[] = new Array(last - c);
        for (let i = c; i < last; i++) parts[i - c] = (src[i] as string).slice(from[i], to[i]);
        out.push(parts.join("\x1f"));
        continue;
      }
      let size = last - c - 1;
      for (let i = c; i < last; i++) size += to[i] - from[i];
      const chunk = Buffer.allocUnsafe(size);
      let w = 0;
      for (let i = c; i < last; i++) {
        if (i > c) chunk[w++] = US;
        w += (src[i] as Buffer).copy(chunk, w, from[i], to[i]);
      }
      out.push(chunk);
    }
    return out;
  });
  return { chunks, counters };
}

/**
 * readOnline on one Redis: the read-script calls (READ_CHUNK entities each) written back to back
 * on the corked connection, so they leave in one write and their answers come back in one round
 * trip; the generation counters ride in front of the first call's keys and answer. Plain
 * commands, not an ioredis Pipeline (lib/redis/coalesce.ts says why); Redis sees the same bytes.
 */
async function readSingle(
  redis: Redis,
  plan: OnlinePlan,
  cols: Record<string, EntityValue[]>,
  n: number,
  counterKeys: string[],
  bytes: boolean,
): Promise<RedisAnswers> {
  defineRead(redis);
  coalesceWrites(redis);
  const script = redis as unknown as ReadCommander;
  const calls: Promise<string | Buffer>[] = [];
  for (let gi = 0; gi < plan.groups.length; gi++) {
    const g = plan.groups[gi];
    const keyCols = g.keyNames.map((k) => cols[k]);
    const vals: unknown[] = new Array(keyCols.length);
    for (let from = 0; from < n; from += READ_CHUNK) {
      const to = Math.min(n, from + READ_CHUNK);
      const head = gi === 0 && from === 0 ? counterKeys : [];
      const nk = head.length + to - from;
      const args: string[] = new Array(nk + 1 + g.fields.length);
      for (let c = 0; c < head.length; c++) args[c] = head[c];
      for (let i = from; i < to; i++) {
        for (let k = 0; k < keyCols.length; k++) vals[k] = keyCols[k][i];
        args[head.length + i - from] = g.buildKey(vals);
      }
      args[nk] = String(head.length);
      for (let f = 0; f < g.fields.length; f++) args[nk + 1 + f] = g.fields[f];
      calls.push((bytes ? script.larderOnlineReadBuffer(nk, ...args) : script.larderOnlineRead(nk, ...args)) as Promise<string | Buffer>);
    }
  }
  // Every call is already written (or queued while reconnecting); the first failure fails the read.
  const replies = await Promise.all(calls);
  const chunks: (string | Buffer)[][] = [];
  let r = 0;
  for (let g = 0; g < plan.groups.length; g++) {
    const group: (string | Buffer)[] = [];
    for (let from = 0; from < n; from += READ_CHUNK) group.push(replies[r++]);
    chunks.push(group);
  }
  // Take the counters off the front of the first answer.
  const counters: (string | null)[] = [];
  let first = chunks[0][0];
  let at = 0;
  for (let c = 0; c < counterKeys.length; c++) {
    let end = typeof first === "string" ? first.indexOf("\x1f", at) : first.indexOf(US, at);
    if (end < 0) end = first.length;
    const v = typeof first === "string" ? first.slice(at, end) : first.toString("latin1", at, end);
    counters.push(v === "" ? null : v);
    at = end + 1;
  }
  first = typeof first === "string" ? first.slice(at) : first.subarray(Math.min(at, first.length));
  chunks[0][0] = first;
  return { chunks, counters };
}

/** `bytes`: field values stay Buffers for the byte-level JSON writer; otherwise strings. */
async function readOnline(input: GetOnlineFeaturesInput, bytes = false): Promise<OnlineRead> {
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
    const n = checkEntities(req.entities, plan);
    const redis = sharedRedis("online");
    // The generation counters (the registry's; the auth one too when the principal came from the
    // cache) are read in the same round trip as the values: on one Redis they ride in the first
    // script call (one command for a request of up to READ_CHUNK rows), on a cluster as GETs.
    const checkAuth = input.verifyAuthGeneration === true;
    const counterKeys = checkAuth ? [registryGenerationKey(catalog.project), AUTH_GENERATION_KEY] : [registryGenerationKey(catalog.project)];
    const cols = req.entities as Record<string, EntityValue[]>;
    const { chunks, counters } = isCluster(redis)
      ? await readCluster(redis, plan, cols, n, counterKeys, bytes)
      : await readSingle(redis, plan, cols, n, counterKeys, bytes);
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
    return { plan, req, n, chunks, now: input.now ?? Date.now() };
  }
}

export async function getOnlineFeatures(input: GetOnlineFeaturesInput): Promise<OnlineFeaturesResponse> {
  const r = await readOnline(input);
  return buildResponse(r.plan, r.req, r.n, fieldRows(r), r.now);
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
  return buildResponseJson(r.plan, r.req, r.n, r.chunks, r.now, alloc);
}

/** The script's string answers as rows[group][entity] = that group's field values (null = absent). */
function fieldRows(r: OnlineRead): (string | null)[][][] {
  return r.plan.groups.map((g, gi) => {
    const nf = g.fields.length;
    const rows: (string | null)[][] = [];
    for (const chunk of r.chunks[gi]) {
      const parts = String(chunk).split("\x1f");
      for (let j = 0; j + nf <= parts.length; j += nf) rows.push(parts.slice(j, j + nf).map((v) => (v === "" ? null : v)));
    }
    return rows;
  });
}

function buildResponse(plan: OnlinePlan, req: OnlineFeaturesRequest, n: number, rows: (string | null)[][][], now: number): OnlineFeaturesResponse {
  const featureNames: string[] = [];
  const results: OnlineFeaturesResponse["results"] = [];
  // Join keys first, as Feast echoes them.
  for (const key of Object.keys(req.entities)) {
    featureNames.push(key);
    const values = req.entities[key];
    results.push({ values: values.slice(), statuses: new Array(n).fill("PRESENT"), event_timestamps: new Array(n).fill(EPOCH_ISO) });
  }
  // Per view slot and row: event time strings, staleness, and the packed values parsed once.
  interface SlotRows {
    tsIso: string[];
    asofIso: string[];
    stale: boolean[];
    /** null = absent (NOT_FOUND). */
    rowVals: (unknown[] | null)[];
    aggVals: (unknown[] | null)[];
  }
  const slotRows = new Map<ViewSlot, SlotRows>();
  for (const slot of plan.slots) {
    const groupRows = rows[slot.group];
    const r: SlotRows = { tsIso: new Array(n), asofIso: new Array(n), stale: new Array(n), rowVals: new Array(n), aggVals: new Array(n) };
    for (let i = 0; i < n; i++) {
      const fields = groupRows[i];
      if (slot.rowIdx >= 0) {
        const ts = fields[slot.tsIdx];
        const packed = fields[slot.rowIdx];
        if (ts === null || packed === null) {
          r.rowVals[i] = null;
          r.tsIso[i] = EPOCH_ISO;
          r.stale[i] = false;
        } else {
          const tsMs = Number(ts);
          r.rowVals[i] = JSON.parse(packed) as unknown[];
          r.tsIso[i] = isoOf(tsMs);
          r.stale[i] = slot.ttlMs !== null && tsMs < now - slot.ttlMs;
        }
      }
      if (slot.aggIdx >= 0) {
        const asof = fields[slot.asofIdx];
        const packed = fields[slot.aggIdx];
        r.aggVals[i] = asof === null || packed === null ? null : (JSON.parse(packed) as unknown[]);
        r.asofIso[i] = asof === null || packed === null ? EPOCH_ISO : isoOf(Number(asof));
      }
    }
    slotRows.set(slot, r);
  }
  for (const c of plan.columns) {
    featureNames.push(c.name);
    const t = slotRows.get(c.slot)!;
    const packed = c.isAggregation ? t.aggVals : t.rowVals;
    const times = c.isAggregation ? t.asofIso : t.tsIso;
    const values: unknown[] = new Array(n);
    const statuses: FeatureStatus[] = new Array(n);
    const tss: string[] = new Array(n);
    for (let i = 0; i < n; i++) {
      const arr = packed[i];
      tss[i] = times[i];
      if (arr === null || arr.length <= c.pos) {
        values[i] = null;
        statuses[i] = "NOT_FOUND";
        tss[i] = EPOCH_ISO;
      } else if (!c.isAggregation && t.stale[i]) {
        values[i] = null;
        statuses[i] = "OUTSIDE_MAX_AGE";
      } else {
        const v = arr[c.pos];
        values[i] = v;
        statuses[i] = v === null ? "NULL_VALUE" : "PRESENT";
      }
    }
    results.push({ values, statuses, event_timestamps: tss });
  }
  return { metadata: { feature_names: featureNames }, results };
}

// ---- The byte-level JSON writer (getOnlineFeaturesJson) ----

/**
 * Finds the element byte ranges of a packed `__row` / `__agg` value (keys.ts: a JSON array of JSON
 * values, as the writers produce it) without parsing the values: strings (with their escapes) and
 * nested arrays/objects are skipped over whole, whitespace around elements is dropped. The value is
 * b[from, to); element k's
 * range goes to ranges[at + 2k] (start) and ranges[at + 2k + 1] (end), for at most `max` elements;
 * returns how many elements the array has.
 */
export function scanPacked(b: Uint8Array, from: number, to: number, ranges: Int32Array, at: number, max: number): number {
  let end = to - 1;
  while (end > from && b[end] !== 93 /* ] */) end--;
  let i = from;
  while (i < end && b[i] !== 91 /* [ */) i++;
  i++;
  if (i > end) return 0;
  let count = 0;
  let start = i;
  let depth = 0;
  for (; i < end; i++) {
    const c = b[i];
    if (c >= 45 && c <= 57) continue; // - . / 0-9: the bulk of numeric values, tested first
    if (c === 44 /* , */) {
      if (depth !== 0) continue;
      if (count < max) trimInto(b, start, i, ranges, at + 2 * count);
      count++;
      start = i + 1;
    } else if (c === 34 /* " */) {
      for (i++; i < end; i++) {
        const d = b[i];
        if (d === 92 /* \ */) i++;
        else if (d === 34) break;
      }
    } else if (c === 91 /* [ */ || c === 123 /* { */) depth++;
    else if (c === 93 /* ] */ || c === 125 /* } */) depth--;
  }
  if (count === 0) {
    // `[]` (only whitespace inside) has no elements.
    let k = start;
    while (k < end && b[k] <= 32) k++;
    if (k === end) return 0;
  }
  if (count < max) trimInto(b, start, end, ranges, at + 2 * count);
  return count + 1;
}

function trimInto(b: Uint8Array, from: number, to: number, ranges: Int32Array, k: number): void {
  while (from < to && b[from] <= 32) from++;
  while (to > from && b[to - 1] <= 32) to--;
  ranges[k] = from;
  ranges[k + 1] = to;
}

/** The JSON text `null`, byte by byte. */
function isNullAt(b: Uint8Array, s: number, e: number): boolean {
  return e - s === 4 && b[s] === 110 && b[s + 1] === 117 && b[s + 2] === 108 && b[s + 3] === 108;
}

const Q_PRESENT = '"PRESENT"';
const Q_EPOCH = `"${EPOCH_ISO}"`;

/** `n` copies of `item` joined by commas. */
function repeatJoined(item: string, n: number): string {
  return n <= 0 ? "" : `${item},`.repeat(n - 1) + item;
}

/**
 * Scratch space for the per-row numbers of one response (element counts, staleness, element byte
 * ranges), reused across responses: a response is written synchronously, and typed arrays of this
 * size live outside the JS heap, where allocating them per request drove frequent full GCs.
 */
let scratch = new Int32Array(1 << 16);
const SCRATCH_KEEP = 1 << 20;

function scratchOf(size: number): Int32Array {
  if (size <= scratch.length) return scratch;
  const grown = new Int32Array(Math.max(size, 2 * scratch.length));
  if (grown.length <= SCRATCH_KEEP) scratch = grown; // a rare huge request does not pin its memory
  return grown;
}

/** One clock of a view slot (row-level values or window aggregates), scanned once per row. */
interface BytePart {
  /** Packed value per row; null = absent (NOT_FOUND). */
  packed: (Uint8Array | null)[];
  /** nums[base + 2i]: element count of row i; nums[base + 2i + 1]: 1 when row i is older than the
   * ttl (OUTSIDE_MAX_AGE); element k of row i spans nums[ranges + 2(i·width + k)] .. [+1]. */
  nums: Int32Array;
  base: number;
  ranges: number;
  width: number;
  /** Event time per row, epoch ms (NaN for absent rows). */
  times: number[];
  /** The tail of a column with no null value and no short row (statuses and event_timestamps),
   * as bytes [tailFrom, tailTo) of the byte scratch (tailBytes). */
  tailFrom: number;
  tailTo: number;
}

/** Byte scratch for the per-view tails of one response (written synchronously, like `scratch`). */
let tailBytes = Buffer.allocUnsafeSlow(1 << 16);

function tailRoom(at: number, extra: number): void {
  if (at + extra <= tailBytes.length) return;
  const grown = Buffer.allocUnsafeSlow(Math.max(at + extra, 2 * tailBytes.length));
  tailBytes.copy(grown, 0, 0, at);
  tailBytes = grown;
}

const TAIL_STATUSES = Buffer.from('],"statuses":[', "latin1");
const TAIL_TIMES = Buffer.from('],"event_timestamps":[', "latin1");
const B_PRESENT = Buffer.from('"PRESENT"', "latin1");
const B_NOT_FOUND = Buffer.from('"NOT_FOUND"', "latin1");
const B_OUTSIDE_MAX_AGE = Buffer.from('"OUTSIDE_MAX_AGE"', "latin1");
const B_NULL_VALUE = Buffer.from('"NULL_VALUE"', "latin1");
const B_EPOCH = Buffer.from(`"${EPOCH_ISO}"`, "latin1");
/** Most bytes one row adds to a tail: the longest status and a quoted time with ms, two commas. */
const TAIL_ROW_MAX = B_OUTSIDE_MAX_AGE.length + 1 + '"0000-00-00T00:00:00.000Z"'.length + 1;
const TAIL_FIXED = TAIL_STATUSES.length + TAIL_TIMES.length + 2;

/** Latest epoch ms written by the fast path (year 9999); others go through Date. */
const ISO_FAST_MAX = 253402300799999;

/**
 * Writes `"<isoOf(ms)>"` (quotes included) at b[at]; returns the new position. Whole-number ms of
 * years 1970-9999 are formatted by hand (no Date, no string); anything else goes through isoOf.
 */
export function writeIsoQuoted(b: Buffer, at: number, ms: number): number {
  if (!(ms >= 0 && ms <= ISO_FAST_MAX && Number.isInteger(ms))) return at + b.write(`"${isoOf(ms)}"`, at, "latin1");
  const days = Math.floor(ms / 86400000);
  let rest = ms - days * 86400000;
  // Civil date from days since 1970-01-01 (H. Hinnant's algorithm, days ≥ 0).
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  const hh = Math.floor(rest / 3600000);
  rest -= hh * 3600000;
  const mi = Math.floor(rest / 60000);
  rest -= mi * 60000;
  const ss = Math.floor(rest / 1000);
  const frac = rest - ss * 1000;
  b[at++] = 34; // "
  b[at++] = 48 + Math.floor(year / 1000);
  b[at++] = 48 + (Math.floor(year / 100) % 10);
  b[at++] = 48 + (Math.floor(year / 10) % 10);
  b[at++] = 48 + (year % 10);
  b[at++] = 45; // -
  b[at++] = 48 + Math.floor(month / 10);
  b[at++] = 48 + (month % 10);
  b[at++] = 45;
  b[at++] = 48 + Math.floor(day / 10);
  b[at++] = 48 + (day % 10);
  b[at++] = 84; // T
  b[at++] = 48 + Math.floor(hh / 10);
  b[at++] = 48 + (hh % 10);
  b[at++] = 58; // :
  b[at++] = 48 + Math.floor(mi / 10);
  b[at++] = 48 + (mi % 10);
  b[at++] = 58;
  b[at++] = 48 + Math.floor(ss / 10);
  b[at++] = 48 + (ss % 10);
  if (frac !== 0) {
    // Feast prints whole seconds without a fraction (isoOf).
    b[at++] = 46; // .
    b[at++] = 48 + Math.floor(frac / 100);
    b[at++] = 48 + (Math.floor(frac / 10) % 10);
    b[at++] = 48 + (frac % 10);
  }
  b[at++] = 90; // Z
  b[at++] = 34;
  return at;
}

/** Int32 slots one part needs in the scratch. */
function partSize(n: number, width: number): number {
  return 2 * n + 2 * n * width;
}

/**
 * Finds every field of a group's script answers: entity i's field f spans
 * nums[at + 2(i·nf + f)] .. nums[at + 2(i·nf + f) + 1] in buffer bufs[i] (bufs[i] = its chunk).
 */
function locateFields(chunks: Buffer[], n: number, nf: number, nums: Int32Array, at: number, bufs: Buffer[]): void {
  let i = 0;
  for (const chunk of chunks) {
    let pos = 0;
    const last = Math.min(n, i + READ_CHUNK);
    for (; i < last; i++) {
      bufs[i] = chunk;
      for (let f = 0; f < nf; f++) {
        if (pos > chunk.length) pos = chunk.length; // a short answer: the rest reads as absent
        let end = chunk.indexOf(US, pos);
        if (end < 0) end = chunk.length;
        nums[at + 2 * (i * nf + f)] = pos;
        nums[at + 2 * (i * nf + f) + 1] = end;
        pos = end + 1;
      }
    }
  }
}

function scanPart(
  bufs: Buffer[],
  fieldsAt: number,
  nf: number,
  n: number,
  timeIdx: number,
  packedIdx: number,
  width: number,
  ttlMs: number | null,
  now: number,
  nums: Int32Array,
  base: number,
  tailAt: number,
): BytePart {
  const packed: (Uint8Array | null)[] = new Array(n);
  const ranges = base + 2 * n;
  const times: number[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const b = bufs[i];
    const tAt = fieldsAt + 2 * (i * nf + timeIdx);
    const pAt = fieldsAt + 2 * (i * nf + packedIdx);
    const tFrom = nums[tAt];
    const tTo = nums[tAt + 1];
    const pFrom = nums[pAt];
    const pTo = nums[pAt + 1];
    if (tFrom === tTo || pFrom === pTo) {
      packed[i] = null;
      nums[base + 2 * i] = 0;
      nums[base + 2 * i + 1] = 0;
      times[i] = NaN;
    } else {
      const ms = epochMsOf(b, tFrom, tTo);
      packed[i] = b;
      nums[base + 2 * i] = scanPacked(b, pFrom, pTo, nums, ranges + 2 * i * width, width);
      times[i] = ms;
      nums[base + 2 * i + 1] = ttlMs !== null && ms < now - ttlMs ? 1 : 0;
    }
  }
  // The tail every column without nulls or short rows shares, written once as bytes.
  tailRoom(tailAt, TAIL_FIXED + n * TAIL_ROW_MAX);
  const t = tailBytes;
  let at = put(TAIL_STATUSES, t, tailAt);
  for (let i = 0; i < n; i++) {
    if (i > 0) t[at++] = 44;
    at = put(packed[i] === null ? B_NOT_FOUND : nums[base + 2 * i + 1] === 1 ? B_OUTSIDE_MAX_AGE : B_PRESENT, t, at);
  }
  at = put(TAIL_TIMES, t, at);
  for (let i = 0; i < n; i++) {
    if (i > 0) t[at++] = 44;
    at = packed[i] === null ? put(B_EPOCH, t, at) : writeIsoQuoted(t, at, times[i]);
  }
  t[at++] = 93; // ]
  t[at++] = 125; // }
  return { packed, nums, base, ranges, width, times, tailFrom: tailAt, tailTo: at };
}

/** A stored `__ts` / `__asof` (decimal epoch ms) at b[from, to), without making a string of it. */
function epochMsOf(b: Buffer, from: number, to: number): number {
  let v = 0;
  for (let i = from; i < to; i++) {
    const d = b[i] - 48;
    if (d < 0 || d > 9) return Number(b.toString("latin1", from, to));
    v = v * 10 + d;
  }
  return v;
}

/** Copies `src` into `out` at `at`; returns the new position. A loop beats a native call for small sources. */
function put(src: Uint8Array, out: Buffer, at: number): number {
  const len = src.length;
  if (len > 64) {
    out.set(src, at);
    return at + len;
  }
  for (let k = 0; k < len; k++) out[at + k] = src[k];
  return at + len;
}

/** Copies src[from, to) into `out` at `at`; returns the new position. */
function putRange(src: Buffer, from: number, to: number, out: Buffer, at: number): number {
  const len = to - from;
  if (len > 64) {
    src.copy(out, at, from, to);
    return at + len;
  }
  for (let k = 0; k < len; k++) out[at + k] = src[from + k];
  return at + len;
}

const VALUES_OPEN = Buffer.from('{"values":[', "latin1");

/**
 * buildResponse's twin that writes the UTF-8 JSON directly (same statuses, same order, same shape):
 * each column's values are copied byte for byte out of the packed fields, and the statuses and
 * timestamps of a view's columns, the same for every column without nulls, are encoded once.
 * A first pass sizes every column so the answer is one exact allocation.
 */
function buildResponseJson(
  plan: OnlinePlan,
  req: OnlineFeaturesRequest,
  n: number,
  chunks: (string | Buffer)[][],
  now: number,
  alloc: (size: number) => Buffer,
): Buffer {
  const keys = Object.keys(req.entities);
  let names = "";
  for (const k of keys) names += `${JSON.stringify(k)},`;
  names = plan.columnNamesJson === "" ? names.slice(0, -1) : names + plan.columnNamesJson;
  let text = `{"metadata":{"feature_names":[${names}]},"results":[`;
  // Join keys first, echoed as sent.
  const keyTail = `],"statuses":[${repeatJoined(Q_PRESENT, n)}],"event_timestamps":[${repeatJoined(Q_EPOCH, n)}]}`;
  for (let k = 0; k < keys.length; k++) {
    const values = JSON.stringify(req.entities[keys[k]]);
    text += `${k > 0 ? "," : ""}{"values":[${values.slice(1, -1)}${keyTail}`;
  }
  let need = 0;
  for (const g of plan.groups) need += 2 * n * g.fields.length;
  for (const slot of plan.slots) {
    if (slot.rowIdx >= 0) need += partSize(n, slot.rowPos.size);
    if (slot.aggIdx >= 0) need += partSize(n, slot.aggPos.size);
  }
  const nums = scratchOf(need);
  let base = 0;
  // Where each group's fields are: bufs[g][i] holds entity i's, at fieldsAt[g] in nums.
  const bufs: Buffer[][] = [];
  const fieldsAt: number[] = [];
  for (let g = 0; g < plan.groups.length; g++) {
    const nf = plan.groups[g].fields.length;
    const b: Buffer[] = new Array(n);
    locateFields(chunks[g] as Buffer[], n, nf, nums, base, b);
    bufs.push(b);
    fieldsAt.push(base);
    base += 2 * n * nf;
  }
  const rowParts = new Map<ViewSlot, BytePart>();
  const aggParts = new Map<ViewSlot, BytePart>();
  let tailAt = 0;
  for (const slot of plan.slots) {
    const g = slot.group;
    const nf = plan.groups[g].fields.length;
    if (slot.rowIdx >= 0) {
      const part = scanPart(bufs[g], fieldsAt[g], nf, n, slot.tsIdx, slot.rowIdx, slot.rowPos.size, slot.ttlMs, now, nums, base, tailAt);
      rowParts.set(slot, part);
      base += partSize(n, slot.rowPos.size);
      tailAt = part.tailTo;
    }
    if (slot.aggIdx >= 0) {
      const part = scanPart(bufs[g], fieldsAt[g], nf, n, slot.asofIdx, slot.aggIdx, slot.aggPos.size, null, now, nums, base, tailAt);
      aggParts.set(slot, part);
      base += partSize(n, slot.aggPos.size);
      tailAt = part.tailTo;
    }
  }
  // Pass 1: each column's part, value bytes, and tail (a view's shared one unless it has nulls).
  const cols = plan.columns;
  const colParts: BytePart[] = new Array(cols.length);
  // Each column's tail: bytes [tailFrom[c], tailTo[c]) of tailBytes.
  const tailFrom: number[] = new Array(cols.length);
  const tailTo: number[] = new Array(cols.length);
  let size = Buffer.byteLength(text) + 2;
  for (let c = 0; c < cols.length; c++) {
    const col = cols[c];
    const part = (col.isAggregation ? aggParts : rowParts).get(col.slot)!;
    colParts[c] = part;
    const { packed, base: pb, ranges, width } = part;
    const pos = col.pos;
    let bytes = n - 1; // commas
    let irregular = false; // a null value or a short row: statuses differ from the view's
    for (let i = 0; i < n; i++) {
      const p = packed[i];
      if (p === null) bytes += 4;
      else if (nums[pb + 2 * i] <= pos) {
        bytes += 4;
        irregular = true;
      } else if (nums[pb + 2 * i + 1] === 1) bytes += 4;
      else {
        const r = ranges + 2 * (i * width + pos);
        bytes += nums[r + 1] - nums[r];
        if (isNullAt(p, nums[r], nums[r + 1])) irregular = true;
      }
    }
    tailFrom[c] = part.tailFrom;
    tailTo[c] = part.tailTo;
    if (irregular) {
      // This column's own statuses and times, after the tails written so far.
      tailRoom(tailAt, TAIL_FIXED + n * TAIL_ROW_MAX);
      const t = tailBytes;
      let at = put(TAIL_STATUSES, t, tailAt);
      for (let i = 0; i < n; i++) {
        if (i > 0) t[at++] = 44;
        const p = packed[i];
        let status: Uint8Array;
        if (p === null || nums[pb + 2 * i] <= pos) status = B_NOT_FOUND;
        else if (nums[pb + 2 * i + 1] === 1) status = B_OUTSIDE_MAX_AGE;
        else {
          const r = ranges + 2 * (i * width + pos);
          status = isNullAt(p, nums[r], nums[r + 1]) ? B_NULL_VALUE : B_PRESENT;
        }
        at = put(status, t, at);
      }
      at = put(TAIL_TIMES, t, at);
      for (let i = 0; i < n; i++) {
        if (i > 0) t[at++] = 44;
        at = packed[i] === null || nums[pb + 2 * i] <= pos ? put(B_EPOCH, t, at) : writeIsoQuoted(t, at, part.times[i]);
      }
      t[at++] = 93; // ]
      t[at++] = 125; // }
      tailFrom[c] = tailAt;
      tailTo[c] = at;
      tailAt = at;
    }
    size += (keys.length + c > 0 ? 1 : 0) + VALUES_OPEN.length + bytes + (tailTo[c] - tailFrom[c]);
  }
  // Pass 2: write.
  const out = alloc(size);
  let at = out.write(text, 0, "utf8");
  for (let c = 0; c < cols.length; c++) {
    if (keys.length + c > 0) out[at++] = 44; // ,
    at = put(VALUES_OPEN, out, at);
    const { packed, base: pb, ranges, width } = colParts[c];
    const pos = cols[c].pos;
    for (let i = 0; i < n; i++) {
      if (i > 0) out[at++] = 44;
      const p = packed[i];
      if (p === null || nums[pb + 2 * i + 1] === 1 || nums[pb + 2 * i] <= pos) {
        out[at++] = 110; // null
        out[at++] = 117;
        out[at++] = 108;
        out[at++] = 108;
      } else {
        const r = ranges + 2 * (i * width + pos);
        const e = nums[r + 1];
        for (let k = nums[r]; k < e; k++) out[at++] = p[k];
      }
    }
    at = putRange(tailBytes, tailFrom[c], tailTo[c], out, at);
  }
  out[at++] = 93; // ]
  out[at++] = 125; // }
  if (at !== size) throw new Error(`online response sized ${size} bytes but wrote ${at}`);
  return out;
}
