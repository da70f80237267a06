// Catalog search over SearchDocument: PostgreSQL full-text search plus pg_trgm fuzzy matching of
// names (so "spnd" finds customer_spend), ranked in tiers, with facets. Only projects the caller
// can see. Everything user-supplied goes in as a bind parameter (Prisma.sql tagged templates).
import "server-only";
import type { Principal } from "../auth/principal";
import { db } from "../db/client";
import { Prisma } from "../db/generated/client";
import { hrefs } from "../shared/hrefs";
import { FACETS, type Facet, type SearchQuery, type SearchResult, type SearchHit } from "./search-schema";

/** Minimum trigram score for a fuzzy name match. */
const FUZZY_THRESHOLD = 0.3;

/** Score tiers: an exact name always beats a prefix, a prefix a fuzzy match, a fuzzy match a text match. */
export const TIERS = { exact: 1000, prefix: 800, partPrefix: 700, fuzzyName: 400, fuzzyQualified: 300, text: 100 } as const;

const KIND_ORDER = Prisma.sql`CASE kind WHEN 'feature_view' THEN 1 WHEN 'feature' THEN 2 WHEN 'feature_service' THEN 3
  WHEN 'model' THEN 4 WHEN 'entity' THEN 5 ELSE 6 END`;

function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** Prefix tsquery from the words of the query: `spend:* & 7d:*` (words are [letters digits] only). */
export function prefixTsQuery(q: string): string | null {
  const words = q.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  return words.length ? words.map((w) => `${w}:*`).join(" & ") : null;
}

/** Query text as a name: lower case, runs of spaces/dashes as `_` ("customer spend" → customer_spend). */
export function normalizeQuery(q: string): string {
  return q.trim().toLowerCase().replace(/[\s-]+/g, "_");
}

async function visibleProjectIds(principal: Principal): Promise<string[]> {
  if (principal.kind === "user" && principal.isAdmin) {
    return (await db().project.findMany({ where: { archivedAt: null }, select: { id: true } })).map((p) => p.id);
  }
  return principal.kind === "anonymous" ? [] : principal.grants.map((g) => g.projectId);
}

function filterSql(q: SearchQuery, except?: Facet): Prisma.Sql {
  const conds: Prisma.Sql[] = [Prisma.sql`TRUE`];
  const on = (f: Facet, values: string[] | undefined) => f !== except && values && values.length > 0;
  if (on("project", q.project)) conds.push(Prisma.sql`project = ANY(${q.project})`);
  if (on("kind", q.kind)) conds.push(Prisma.sql`kind = ANY(${q.kind})`);
  if (on("entity", q.entity)) conds.push(Prisma.sql`entities && ${q.entity}::text[]`);
  if (on("owner", q.owner)) conds.push(Prisma.sql`owner = ANY(${q.owner})`);
  if (on("tag", q.tag)) conds.push(Prisma.sql`"tagPairs" && ${q.tag}::text[]`);
  if (on("dtype", q.dtype)) conds.push(Prisma.sql`dtype = ANY(${q.dtype})`);
  return Prisma.join(conds, " AND ");
}

/** Prefix tsquery words of the query (letters and digits only). */
function queryWords(q: string): string[] {
  return q.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}

/**
 * Name similarity: whole name, best word (pg_trgm words split at `_`), best `_`-part. A part's
 * similarity never exceeds the word similarity, so the per-part scan only runs for names whose
 * word similarity already reaches the threshold.
 */
function fuzzy(col: Prisma.Sql, qn: string): Prisma.Sql {
  return Prisma.sql`CASE WHEN word_similarity(${qn}, ${col}) >= ${Prisma.raw(String(FUZZY_THRESHOLD))} THEN greatest(
    similarity(${col}, ${qn}),
    word_similarity(${qn}, ${col}) * 0.9,
    (SELECT coalesce(max(similarity(part, ${qn})), 0) FROM unnest(string_to_array(${col}, '_')) part))
    ELSE similarity(${col}, ${qn}) END`;
}

/**
 * CTEs ending in `m`: the scored, matched documents of the visible projects. Candidates come from the
 * trigram GIN index on name (prefix, `_`-part prefix, similarity and word similarity — the
 * word_similarity operator threshold is lowered for the statement), from features of views whose
 * name matches fuzzily, and from documents whose stored `searchVector` matches every query word as
 * a prefix (its GIN index); only those are scored, so the cost follows the matches, not the
 * catalog size.
 */
function matchedCtes(text: string, projectIds: string[]): Prisma.Sql {
  const cols = Prisma.sql`d.id, d.kind, d.name, d."qualifiedName", d."viewName", d.description, d.owner, d.tags, d."tagPairs",
           d.entities, d.dtype, p.name AS project,
           to_char(d."updatedAt", 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "updatedAt"`;
  const from = Prisma.sql`FROM "SearchDocument" d JOIN "Project" p ON p.id = d."projectId" AND p."archivedAt" IS NULL`;
  if (text === "") {
    return Prisma.sql`m AS MATERIALIZED (SELECT ${cols}, 0::float8 AS score, 'all' AS match ${from} WHERE d."projectId" = ANY(${projectIds}))`;
  }

  const qn = normalizeQuery(text);
  const words = queryWords(text);
  const tsq = prefixTsQuery(text);
  const prefix = `${escapeLike(qn)}%`;
  // A `_`-separated part of the name starts with the query: "sum" → amount_sum_7d.
  const partPrefix = `%\\_${escapeLike(qn)}%`;
  // The stored vector (rebuildSearchDocuments) and its GIN index: no document text is parsed here.
  const isText = tsq ? Prisma.sql`d."searchVector" @@ to_tsquery('simple', ${tsq})` : Prisma.sql`FALSE`;
  const inDescription = words.length
    ? Prisma.join(words.map((w) => Prisma.sql`strpos(lower(d.description), ${w}) > 0`), " AND ")
    : Prisma.sql`FALSE`;
  const raw = (n: number) => Prisma.raw(String(n));
  // Candidates: index-backed name matches, features of fuzzily matching views, text matches.
  const cand = Prisma.sql`
          SELECT c.id FROM "SearchDocument" c
           WHERE c."projectId" = ANY(${projectIds})
             AND (c.name ILIKE ${prefix} OR c.name ILIKE ${partPrefix} OR ${qn} <% c.name OR c.name % ${qn})
          UNION
          SELECT c.id FROM "SearchDocument" c
           WHERE c."projectId" = ANY(${projectIds}) AND c."viewName" IS NOT NULL AND c.kind = 'feature'
             AND lower(c."viewName") IN (SELECT v FROM view_match WHERE score >= ${raw(FUZZY_THRESHOLD)})
          UNION
          SELECT d.id FROM "SearchDocument" d
           WHERE d."projectId" = ANY(${projectIds}) AND ${isText}`;
  // Names repeat (amount_sum_7d in many views): score each distinct candidate name once.
  const nameMatch = Prisma.sql`
    SELECT n, ${fuzzy(Prisma.sql`n`, qn)} AS score FROM (
      SELECT DISTINCT lower(d.name) AS n FROM "SearchDocument" d JOIN cand ON cand.id = d.id) s`;
  const matched = Prisma.sql`
    SELECT * FROM (
      SELECT x.*,
        CASE
          WHEN x.is_exact THEN ${raw(TIERS.exact)}
          WHEN x.is_prefix THEN ${raw(TIERS.prefix)} - least(99, length(x.name) - ${raw(qn.length)})
          WHEN x.is_part_prefix THEN ${raw(TIERS.partPrefix)} - least(99, length(x.name) - ${raw(qn.length)})
          WHEN x.name_fuzzy >= ${raw(FUZZY_THRESHOLD)} THEN ${raw(TIERS.fuzzyName)} + 100 * x.name_fuzzy
          WHEN x.view_fuzzy >= ${raw(FUZZY_THRESHOLD)} THEN ${raw(TIERS.fuzzyQualified)} + 100 * x.view_fuzzy
          WHEN x.is_text THEN ${raw(TIERS.text)} + CASE WHEN x.in_description THEN 50 ELSE 0 END
          ELSE 0
        END::float8 AS score,
        CASE
          WHEN x.is_exact THEN 'exact'
          WHEN x.is_prefix OR x.is_part_prefix THEN 'prefix'
          WHEN x.name_fuzzy >= ${raw(FUZZY_THRESHOLD)} OR x.view_fuzzy >= ${raw(FUZZY_THRESHOLD)} THEN 'fuzzy'
          WHEN x.is_text THEN 'text'
          ELSE 'none'
        END AS match
      FROM (
        SELECT ${cols},
          (lower(d.name) = ${qn} OR lower(d."qualifiedName") = ${qn}) AS is_exact,
          lower(d.name) LIKE ${prefix} AS is_prefix,
          lower(d.name) LIKE ${partPrefix} AS is_part_prefix,
          coalesce(nm.score, 0) AS name_fuzzy,
          coalesce(vm.score, 0) AS view_fuzzy,
          ${isText} AS is_text,
          ${inDescription} AS in_description
        ${from}
        JOIN cand ON cand.id = d.id
        LEFT JOIN name_match nm ON nm.n = lower(d.name)
        LEFT JOIN view_match vm ON d.kind = 'feature' AND vm.v = lower(d."viewName")
      ) x
    ) y WHERE y.score > 0`;
  return Prisma.sql`
    view_match AS MATERIALIZED (${viewMatchSql(qn, projectIds)}),
    cand AS MATERIALIZED (${cand}),
    name_match AS MATERIALIZED (${nameMatch}),
    m AS MATERIALIZED (${matched})`;
}

/** Fuzzy scores of the distinct view names (few, even for 10,000 features). */
function viewMatchSql(qn: string, projectIds: string[]): Prisma.Sql {
  return Prisma.sql`SELECT v, ${fuzzy(Prisma.sql`v`, qn)} AS score FROM (
      SELECT DISTINCT lower("viewName") AS v FROM "SearchDocument"
       WHERE "projectId" = ANY(${projectIds}) AND kind = 'feature' AND "viewName" IS NOT NULL) s`;
}

/** The one search statement: matches, the page, the total and the facets in one round trip. */
export function searchSql(text: string, projectIds: string[], q: SearchQuery): Prisma.Sql {
  const facetUnion = Prisma.join(
    [
      Prisma.sql`SELECT 'project' AS facet, project AS value, count(*)::int AS count FROM m WHERE ${filterSql(q, "project")} GROUP BY 2`,
      Prisma.sql`SELECT 'kind', kind, count(*)::int FROM m WHERE ${filterSql(q, "kind")} GROUP BY 2`,
      Prisma.sql`SELECT 'entity', e, count(*)::int FROM m, unnest(m.entities) e WHERE ${filterSql(q, "entity")} GROUP BY 2`,
      Prisma.sql`SELECT 'owner', owner, count(*)::int FROM m WHERE owner <> '' AND ${filterSql(q, "owner")} GROUP BY 2`,
      Prisma.sql`SELECT 'tag', t, count(*)::int FROM m, unnest(m."tagPairs") t WHERE ${filterSql(q, "tag")} GROUP BY 2`,
      Prisma.sql`SELECT 'dtype', dtype, count(*)::int FROM m WHERE dtype IS NOT NULL AND ${filterSql(q, "dtype")} GROUP BY 2`,
    ],
    " UNION ALL ",
  );
  return Prisma.sql`
    WITH ${matchedCtes(text, projectIds)}
    SELECT
      (SELECT coalesce(json_agg(r), '[]'::json) FROM (
         SELECT * FROM m WHERE ${filterSql(q)}
         ORDER BY score DESC, ${KIND_ORDER}, name ASC, "qualifiedName" ASC, project ASC
         LIMIT ${q.limit} OFFSET ${q.offset}) r) AS items,
      (SELECT count(*)::int FROM m WHERE ${filterSql(q)}) AS total,
      (SELECT coalesce(json_agg(f), '[]'::json) FROM (${facetUnion}) f) AS facets`;
}

export async function searchCatalog(principal: Principal, q: SearchQuery): Promise<SearchResult> {
  const started = performance.now();
  const projectIds = await visibleProjectIds(principal);
  const text = (q.q ?? "").trim();
  if (projectIds.length === 0) {
    return { query: text, items: [], total: 0, limit: q.limit, offset: q.offset, facets: emptyFacets(), tookMs: 0 };
  }
  const query = db().$queryRaw<Array<{ items: RawHit[]; total: number; facets: Array<{ facet: Facet; value: string; count: number }> }>>(
    searchSql(text, projectIds, q),
  );
  // `q <% name` (index-backed word similarity) uses this threshold; SET LOCAL scopes it to the transaction.
  // JIT off: once the table has statistics the statement's estimated cost passes PostgreSQL's JIT
  // thresholds, and compiling it took 1.4 s of a 1.5 s search over 10,000 features (the query
  // itself runs in ~0.1 s); an interactive search never runs long enough to win that back.
  const [, rows] = await db().$transaction([
    db().$executeRaw`SELECT set_config('pg_trgm.word_similarity_threshold', ${String(FUZZY_THRESHOLD)}, true), set_config('jit', 'off', true)`,
    query,
  ]);
  const row = rows[0];
  const facets = emptyFacets();
  for (const f of row.facets) facets[f.facet].push({ value: f.value, count: f.count });
  // Every value, most frequent first: the console shows them all (filterable when long).
  for (const k of FACETS) facets[k].sort((a, b) => b.count - a.count || a.value.localeCompare(b.value));
  return {
    query: text,
    items: row.items.map(hitOut),
    total: row.total,
    limit: q.limit,
    offset: q.offset,
    facets,
    tookMs: Math.round(performance.now() - started),
  };
}

interface RawHit {
  kind: SearchHit["kind"];
  name: string;
  qualifiedName: string;
  viewName: string | null;
  description: string;
  owner: string;
  tags: Record<string, string>;
  entities: string[];
  dtype: string | null;
  project: string;
  updatedAt: string;
  score: number;
  match: SearchHit["match"];
}

function hitHref(h: RawHit): string {
  switch (h.kind) {
    case "entity":
      return hrefs.entity(h.project, h.name);
    case "source":
      return hrefs.source(h.project, h.name);
    case "feature_view":
      return hrefs.featureView(h.project, h.name);
    case "feature":
      return hrefs.featureLatest(h.project, h.viewName ?? "", h.name);
    case "feature_service":
      return hrefs.featureService(h.project, h.name);
    case "model":
      return hrefs.model(h.project, h.name);
  }
}

function hitOut(h: RawHit): SearchHit {
  return {
    kind: h.kind,
    project: h.project,
    name: h.name,
    qualifiedName: h.qualifiedName,
    viewName: h.viewName,
    description: h.description,
    owner: h.owner,
    tags: h.tags ?? {},
    entities: h.entities ?? [],
    dtype: h.dtype,
    score: Math.round(h.score * 100) / 100,
    match: h.match,
    updatedAt: h.updatedAt,
    href: hitHref(h),
  };
}

function emptyFacets(): SearchResult["facets"] {
  return { project: [], kind: [], entity: [], owner: [], tag: [], dtype: [] };
}
