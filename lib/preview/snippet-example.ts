// Example entities for the console's snippets (docs/console.md, "Snippets"): entity keys that exist
// and a time that answers, taken from the data when the page renders, so a snippet runs as pasted.
// The keys are read from the newest offline partition (at or before that time) of the requested
// views, in the preview's sandbox and under the preview's rule (features.read, and restricted views
// only with a grant); when the views are materialized online the keys are checked there and the
// ones with values kept. The time is the latest instant at which every view is materialized offline
// over its whole lookback (ttl, widest window), so historical retrieval answers instead of a 409.
// A view without data is said so; keys are never invented.
import "server-only";
import { canReadRestrictedView, type ProjectRef } from "../auth/authorize";
import type { Principal } from "../auth/principal";
import { qid, qlit } from "../duckdb/instance";
import { type Range } from "../shared/intervals";
import { listPartitionDates, partitionFile, utcDate, versionDir } from "../shared/offline-layout";
import { getOnlineFeaturesJson } from "../online/get-online-features";
import { offlineCoverage } from "../offline/historical-coverage";
import { planSlots } from "../offline/historical-plan";
import { slotLookbackMs, type ViewSlot } from "../offline/historical-sql";
import { getFreshCatalog, resolveFromCatalog } from "../registry/catalog-cache";
import { sampleRows } from "./preview-view-version";

export type ExampleKey = string | number | boolean;

export interface SnippetExampleInput {
  principal: Principal;
  project: ProjectRef;
  features?: string[];
  feature_service?: string;
  /** Now, epoch ms (tests). */
  now?: number;
}

export interface SnippetExample {
  /** The join keys the request needs, with their dtypes (how a snippet spells a key). */
  joinKeys: { name: string; dtype: string }[];
  /** Entity rows (join key → value); int keys as numbers while exact, else digit strings. Empty = none to show. */
  entityRows: Record<string, ExampleKey>[];
  /** An instant (ISO 8601 UTC) at which historical retrieval of the features answers; null = none. */
  at: string | null;
  /** The span around `at` over which every view is materialized offline. */
  materialized: { start: string; end: string } | null;
  /** What the online store holds for `entityRows`: every value, some, none, or not asked (no view online). */
  online: "present" | "partial" | "missing" | "not_online";
  /** Why keys or the time are missing, in words, for the page to show. */
  notes: string[];
}

/** How many candidate keys are read and checked online; the answer keeps at most `KEEP`. */
const CANDIDATES = 20;
const KEEP = 2;
/** Partitions read per step, and at most in all, looking back for rows. */
const WEEK = 7;
const PARTITIONS = 8 * WEEK;
const INT = /^int(32|64)$/;

const iso = (ms: number) => new Date(ms).toISOString();

/** The range of `ranges` holding [lo, t] entirely, if any. */
function holding(ranges: Range[], lo: number, t: number): Range | undefined {
  return ranges.find((r) => r.start <= lo && t < r.end);
}

/**
 * The latest instant t ≤ now at which every slot is covered over [t − lookback, t]: tried at each
 * range's last covered millisecond, on the whole second first (readable in a snippet).
 */
export function answeringInstant(slots: { lookbackMs: number | null; ranges: Range[] }[], now: number): { at: number; span: Range } | null {
  const candidates = [...new Set(slots.flatMap((s) => s.ranges.map((r) => Math.min(r.end - 1, now))))].sort((a, b) => b - a);
  for (const c of candidates) {
    for (const t of [Math.floor(c / 1000) * 1000, c]) {
      let span: Range | null = { start: -Infinity, end: Infinity };
      for (const s of slots) {
        const r = holding(s.ranges, s.lookbackMs === null ? t : t - s.lookbackMs, t);
        if (!r) {
          span = null;
          break;
        }
        span = { start: Math.max(span.start, r.start), end: Math.min(span.end, r.end) };
      }
      if (span) return { at: t, span };
    }
  }
  return null;
}

function typedKey(dtype: string, text: string): ExampleKey {
  if (INT.test(dtype)) return Number.isSafeInteger(Number(text)) ? Number(text) : text;
  if (dtype === "bool") return text === "true";
  if (/^float/.test(dtype)) return Number(text);
  return text;
}

/**
 * Up to CANDIDATES distinct keys of `slot`'s newest rows at or before `at` (within the ttl), newest
 * first: the newest partitions first, a week at a time (days without rows leave empty partitions),
 * at most PARTITIONS back.
 */
async function candidateKeys(project: string, slot: ViewSlot, at: number | null): Promise<Record<string, ExampleKey>[]> {
  const vv = slot.vv;
  const dir = versionDir(project, vv.view, vv.version);
  const lo = at !== null && vv.ttlSeconds !== null ? utcDate(at - vv.ttlSeconds * 1000) : null;
  const dates = (await listPartitionDates(dir, lo, at === null ? null : utcDate(at))).reverse().slice(0, PARTITIONS);
  const keys = vv.joinKeys.map((k) => qid(k.name));
  const where = [...vv.joinKeys.map((k) => `${qid(k.name)} IS NOT NULL`)];
  if (at !== null) {
    where.push(`event_timestamp <= ${qlit(iso(at))}::TIMESTAMP`);
    if (vv.ttlSeconds !== null) where.push(`event_timestamp >= ${qlit(iso(at - vv.ttlSeconds * 1000))}::TIMESTAMP`);
  }
  for (let i = 0; i < dates.length; i += WEEK) {
    const files = dates.slice(i, i + WEEK).map((d) => partitionFile(dir, d));
    const relation =
      `(SELECT ${vv.joinKeys.map((k) => `CAST(${qid(k.name)} AS VARCHAR) AS ${qid(k.name)}`).join(", ")}, max(event_timestamp) AS t ` +
      `FROM read_parquet([${files.map(qlit).join(", ")}], union_by_name=true, hive_partitioning=false) WHERE ${where.join(" AND ")} GROUP BY ${keys.join(", ")}) AS k`;
    const sample = await sampleRows({ readDirectories: [dir] }, relation, { orderBy: `t DESC, ${keys.join(", ")}`, limit: CANDIDATES });
    if (sample.rows.length) {
      return sample.rows.map((j) => {
        const o = JSON.parse(j) as Record<string, string>;
        return Object.fromEntries(vv.joinKeys.map((k) => [k.name, typedKey(k.dtype, o[k.name])]));
      });
    }
  }
  return [];
}

/** Row i of the key slot, completed with the other slots' keys it lacks (views over other entities). */
function combine(perSlot: Record<string, ExampleKey>[][], keyNames: string[]): Record<string, ExampleKey>[] {
  const [first, ...rest] = perSlot;
  const out: Record<string, ExampleKey>[] = [];
  for (let i = 0; i < first.length; i++) {
    const row = { ...first[i] };
    for (const other of rest) {
      const pick = other[i % Math.max(other.length, 1)];
      for (const [k, v] of Object.entries(pick ?? {})) if (!(k in row)) row[k] = v;
    }
    if (keyNames.every((k) => k in row)) out.push(row);
  }
  return out;
}

/** Per entity row of an online answer: how many of its feature values are PRESENT (echoed keys not counted). */
function presentCounts(json: string, rows: number, keyColumns: number): { counts: number[]; features: number } {
  const answer = JSON.parse(json) as { results: { statuses: string[] }[] };
  const counts = new Array<number>(rows).fill(0);
  for (const col of answer.results.slice(keyColumns)) col.statuses.forEach((s, i) => (counts[i] += s === "PRESENT" ? 1 : 0));
  return { counts, features: answer.results.length - keyColumns };
}

export async function snippetExample(input: SnippetExampleInput): Promise<SnippetExample> {
  const now = input.now ?? Date.now();
  const catalog = await getFreshCatalog(input.project.name);
  const resolved = resolveFromCatalog(catalog, { features: input.features, feature_service: input.feature_service });
  const { slots, joinKeys } = planSlots(resolved, true);
  const keyList = [...joinKeys].map(([name, dtype]) => ({ name, dtype }));
  const withheld = slots.filter((s) => s.vv.restricted && !canReadRestrictedView(input.principal, input.project, s.vv.view)).map((s) => s.vv.view);
  if (withheld.length) {
    return {
      joinKeys: keyList,
      entityRows: [],
      at: null,
      materialized: null,
      online: "not_online",
      notes: [`${withheld.join(", ")} ${withheld.length === 1 ? "is" : "are"} restricted and you are not granted ${withheld.length === 1 ? "it" : "them"}, so no keys are shown; ask a project admin for access.`],
    };
  }
  const notes: string[] = [];
  const coverage = await offlineCoverage(slots.map((s) => s.vv.id));
  const empty = slots.filter((s) => !(coverage.get(s.vv.id) ?? []).length).map((s) => s.vv.view);
  if (empty.length) notes.push(`${empty.join(", ")} ${empty.length === 1 ? "has" : "have"} no offline data yet: materialize ${empty.length === 1 ? "it" : "them"} (larder materialize) for training data.`);
  const found = empty.length ? null : answeringInstant(slots.map((s) => ({ lookbackMs: slotLookbackMs(s), ranges: coverage.get(s.vv.id) ?? [] })), now);
  if (!empty.length && !found) notes.push("No instant is materialized offline over every view's lookback (ttl and windows) at once: backfill the gaps (Materialization tab) for training data.");
  const at = found?.at ?? null;

  // Keys: the view with the most join keys first; views over other entities complete the rows.
  const ordered = slots.filter((s) => (coverage.get(s.vv.id) ?? []).length).sort((a, b) => b.vv.joinKeys.length - a.vv.joinKeys.length);
  const perSlot: Record<string, ExampleKey>[][] = [];
  const covered = new Set<string>();
  for (const s of ordered) {
    if (s.vv.joinKeys.every((k) => covered.has(k.name))) continue;
    const keys = await candidateKeys(input.project.name, s, at);
    if (!keys.length) continue;
    perSlot.push(keys);
    s.vv.joinKeys.forEach((k) => covered.add(k.name));
  }
  let rows = perSlot.length ? combine(perSlot, [...joinKeys.keys()]) : [];
  if (!rows.length) {
    if (empty.length < slots.length) notes.push("No entity keys were found in the materialized partitions.");
    return { joinKeys: keyList, entityRows: [], at: found ? iso(found.at) : null, materialized: found ? { start: iso(found.span.start), end: iso(found.span.end - 1) } : null, online: "not_online", notes };
  }

  let online: SnippetExample["online"] = "not_online";
  if (slots.some((s) => s.vv.materialization.online)) {
    const request = {
      ...(input.feature_service ? { feature_service: input.feature_service } : { features: input.features }),
      entities: Object.fromEntries([...joinKeys.keys()].map((k) => [k, rows.map((r) => r[k])])),
    };
    const answer = await getOnlineFeaturesJson({ project: input.project.name, principal: input.principal, request });
    const { counts, features } = presentCounts(answer.toString("utf8"), rows.length, joinKeys.size);
    const order = rows.map((r, i) => ({ r, n: counts[i] })).sort((a, b) => b.n - a.n);
    const best = order[0].n;
    rows = order.filter((o) => o.n === best).map((o) => o.r);
    online = best === 0 ? "missing" : best === features ? "present" : "partial";
    if (online === "missing") notes.push("The online store holds none of these keys (not materialized online yet, or older than the ttl): online reads answer NOT_FOUND.");
    if (online === "partial") notes.push("The online store holds only some of these features for these keys: the others answer NOT_FOUND until their views are materialized online.");
  }
  return {
    joinKeys: keyList,
    entityRows: rows.slice(0, KEEP),
    at: found ? iso(found.at) : null,
    materialized: found ? { start: iso(found.span.start), end: iso(found.span.end - 1) } : null,
    online,
    notes,
  };
}
