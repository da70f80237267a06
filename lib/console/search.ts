// Search results as the console shows them. The search API (GET /api/v1/search) ranks and
// typo-matches; this module only normalizes its answer and builds URLs of search pages.

export const SEARCH_KINDS = ["feature", "feature_view", "entity", "source", "feature_service", "model"] as const;
export type SearchKind = (typeof SEARCH_KINDS)[number];
export const KIND_LABEL: Record<string, string> = {
  feature: "Feature",
  feature_view: "Feature view",
  entity: "Entity",
  source: "Source",
  feature_service: "Feature service",
  model: "Model",
};

/** Facets the search page filters on; each is a query parameter of /api/v1/search and of /search. */
export const FACETS = ["kind", "project", "entity", "owner", "tag", "dtype"] as const;
export type Facet = (typeof FACETS)[number];

export interface SearchHit {
  kind: string;
  project: string;
  name: string;
  qualifiedName: string;
  view: string | null;
  entities: string[];
  owner: string;
  tags: Record<string, string>;
  dtype: string | null;
  description: string;
  href: string;
  score: number | null;
  /** End of the materialized data of the hit's view, when the API reports it. */
  materializedUntil: string | null;
  updatedAt: string | null;
  /** Feature views and features: the view's monitoring state (fresh | stale | failing | unknown). */
  state: string | null;
}

export interface FacetBucket {
  value: string;
  count: number;
}

export interface SearchResult {
  items: SearchHit[];
  total: number;
  facets: Partial<Record<Facet, FacetBucket[]>>;
}

const str = (v: unknown): string => (typeof v === "string" ? v : v === null || v === undefined ? "" : String(v));

function hitHref(h: Record<string, unknown>, project: string, kind: string, name: string, view: string | null): string {
  // Features open their own page; other kinds keep the API's console link.
  if (typeof h.href === "string" && h.href && !(kind === "feature" && view)) return h.href;
  const p = `/projects/${encodeURIComponent(project)}`;
  const e = encodeURIComponent;
  switch (kind) {
    case "feature":
      return view ? `${p}/feature-views/${e(view)}/features/${e(name)}` : `${p}/features`;
    case "feature_view":
      return `${p}/feature-views/${e(name)}`;
    case "entity":
      return `${p}/entities/${e(name)}`;
    case "source":
      return `${p}/sources/${e(name)}`;
    case "feature_service":
      return `${p}/feature-services/${e(name)}`;
    case "model":
      return `${p}/models/${e(name)}`;
    default:
      return p;
  }
}

function facetBuckets(v: unknown): FacetBucket[] {
  if (Array.isArray(v)) {
    return v
      .map((b) => (typeof b === "object" && b ? { value: str((b as Record<string, unknown>).value ?? (b as Record<string, unknown>).name), count: Number((b as Record<string, unknown>).count ?? 0) } : { value: str(b), count: 0 }))
      .filter((b) => b.value);
  }
  if (v && typeof v === "object") return Object.entries(v as Record<string, unknown>).map(([value, count]) => ({ value, count: Number(count) }));
  return [];
}

/** Accepts the search API's answer (items or results; facets as arrays or maps) and fills defaults. */
export function normalizeSearch(raw: unknown): SearchResult {
  const r = (raw ?? {}) as Record<string, unknown>;
  const list = (Array.isArray(r.items) ? r.items : Array.isArray(r.results) ? r.results : []) as Array<Record<string, unknown>>;
  const items = list.map((h): SearchHit => {
    const kind = str(h.kind ?? h.type);
    const project = str(h.project ?? h.projectName);
    const name = str(h.name);
    const view = h.view ?? h.viewName ?? null;
    const fresh = (h.freshness ?? {}) as Record<string, unknown>;
    return {
      kind,
      project,
      name,
      qualifiedName: str(h.qualifiedName) || name,
      view: view === null ? null : str(view),
      entities: Array.isArray(h.entities) ? h.entities.map(str) : [],
      owner: str(h.owner),
      tags: h.tags && typeof h.tags === "object" ? (h.tags as Record<string, string>) : {},
      dtype: h.dtype ? str(h.dtype) : null,
      description: str(h.description),
      href: hitHref(h, project, kind, name, view === null ? null : str(view)),
      score: typeof h.score === "number" ? h.score : typeof h.rank === "number" ? h.rank : null,
      materializedUntil: str(h.materializedUntil ?? fresh.materializedUntil) || null,
      updatedAt: str(h.updatedAt) || null,
      state: typeof h.state === "string" ? h.state : null,
    };
  });
  const facetsRaw = (r.facets ?? {}) as Record<string, unknown>;
  const facets: SearchResult["facets"] = {};
  for (const f of FACETS) {
    const v = facetsRaw[f] ?? facetsRaw[`${f}s`] ?? (f === "tag" ? facetsRaw.tagPairs : undefined);
    if (v !== undefined) facets[f] = facetBuckets(v);
  }
  return { items, total: typeof r.total === "number" ? r.total : items.length, facets };
}

/** /search?q=…&kind=… — the URL holds the whole search so it can be shared. */
export function searchPageUrl(q: string, filters: Partial<Record<Facet, string | undefined>> = {}): string {
  const qs = new URLSearchParams();
  if (q) qs.set("q", q);
  for (const f of FACETS) {
    const v = filters[f];
    if (v) qs.set(f, v);
  }
  const s = qs.toString();
  return s ? `/search?${s}` : "/search";
}

/** A piece of text and whether it matches the query (for highlighting). */
export interface TextPart {
  text: string;
  match: boolean;
}

/**
 * `text` cut into matching and non-matching parts: every word of the query (letters and digits, as
 * the search API splits it) found case-insensitively. A typo that matched fuzzily highlights nothing.
 */
export function highlightParts(text: string, query: string): TextPart[] {
  const words = [...new Set(query.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [])];
  if (!text || !words.length) return text ? [{ text, match: false }] : [];
  // Per UTF-16 unit, so positions stay those of `text` ("İ".toLowerCase() is two units long).
  const lower = Array.from({ length: text.length }, (_, i) => {
    const l = text[i].toLowerCase();
    return l.length === 1 ? l : text[i];
  }).join("");
  const marked = new Array<boolean>(text.length).fill(false);
  for (const w of words) {
    for (let i = lower.indexOf(w); i !== -1; i = lower.indexOf(w, i + 1)) marked.fill(true, i, i + w.length);
  }
  const parts: TextPart[] = [];
  for (let i = 0; i < text.length; i++) {
    const last = parts[parts.length - 1];
    if (last && last.match === marked[i]) last.text += text[i];
    else parts.push({ text: text[i], match: marked[i] });
  }
  return parts;
}
