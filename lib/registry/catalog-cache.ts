// In-process cache of what the read paths need from the registry: per project, every live view with
// all its versions (join keys, ttl, features and dtypes), the feature services and the push
// sources. Nothing here is queried from Postgres on a warm request: snapshots are validated by the
// project's registry generation (lib/redis/generations.ts), which the online read fetches in the
// same Redis round trip as the features, and dropped when it moved.
import "server-only";
import { db } from "../db/client";
import { badRequest, notFound } from "../errors";
import { sharedRedis } from "../redis/connection";
import { registryGenerationKey } from "../redis/generations";
import { FEATURE_REF_HELP, parseFeatureRef } from "../shared/feature-refs";

export interface CatalogFeature {
  name: string;
  dtype: string;
  kind: "field" | "aggregation";
  aggregation: { column: string; function: string; window: string; windowSeconds: number } | null;
}

export interface CatalogViewVersion {
  id: string;
  view: string;
  version: number;
  restricted: boolean;
  /** Flattened join keys in view order. */
  joinKeys: { name: string; dtype: string }[];
  ttlSeconds: number | null;
  sourceName: string;
  features: CatalogFeature[];
  featureByName: Map<string, CatalogFeature>;
  /** The stored contract definition (view, source snapshot, entities, join_keys, features). */
  definition: Record<string, unknown>;
  materialization: { online?: boolean; offline?: boolean; schedule?: string };
}

export interface CatalogView {
  id: string;
  name: string;
  restricted: boolean;
  latestVersion: number;
  versions: Map<number, CatalogViewVersion>;
}

export interface ProjectCatalog {
  projectId: string;
  project: string;
  /** The registry generation this snapshot was loaded under (null = never bumped). */
  generation: string | null;
  views: Map<string, CatalogView>;
  services: Map<string, string[]>;
  /** Push sources by name: declared schema and timestamp fields. */
  pushSources: Map<string, { name: string; timestampField: string; createdTimestampField: string | null; schema: { name: string; dtype: string }[] }>;
  /** When this snapshot was loaded (epoch ms). */
  loadedAt: number;
  /** Compiled request plans, keyed by the request's feature list (owned by the read use cases). */
  plans: Map<string, unknown>;
}

/** One resolved feature of a request, in request order. */
export interface ResolvedFeature {
  /** The reference as requested (a whole-view ref expands to one entry per feature). */
  ref: string;
  view: string;
  version: number;
  /** True when the ref pinned the version (`view@v2:f`). */
  pinned: boolean;
  versionId: string;
  feature: string;
  dtype: string;
  kind: "field" | "aggregation";
  viewVersion: CatalogViewVersion;
}

const g = globalThis as unknown as {
  larderCatalogs?: Map<string, ProjectCatalog>;
  larderCatalogLoads?: Map<string, Promise<ProjectCatalog>>;
};
const catalogs = (g.larderCatalogs ??= new Map());
const loads = (g.larderCatalogLoads ??= new Map());

/**
 * A safety net behind the generation counter (e.g. a registry edited by a process that never
 * loaded the apply hook): older snapshots are refreshed in the background while still served.
 */
export const CATALOG_MAX_AGE_MS = 30_000;

function startLoad(project: string): Promise<ProjectCatalog> {
  let p = loads.get(project);
  if (!p) {
    p = loadCatalog(project).finally(() => loads.delete(project));
    loads.set(project, p);
  }
  return p;
}

/** The cached catalog of a project, loaded from Postgres on the first use or after invalidation. */
export function getCatalog(project: string): Promise<ProjectCatalog> | ProjectCatalog {
  const hit = catalogs.get(project);
  if (hit) {
    if (Date.now() - hit.loadedAt > CATALOG_MAX_AGE_MS && !loads.has(project)) {
      startLoad(project).catch(() => catalogs.delete(project));
    }
    return hit;
  }
  return startLoad(project);
}

/**
 * The catalog checked against the project's registry generation first (one Redis GET), for read
 * paths that do not fetch the counter with their own round trip (historical retrieval): a registry
 * change (a new version, a view made restricted) binds the next request, not one 30 s later. When
 * Redis cannot answer, the catalog is read from Postgres.
 */
export async function getFreshCatalog(project: string): Promise<ProjectCatalog> {
  let generation: string | null | undefined;
  try {
    generation = await sharedRedis("online").get(registryGenerationKey(project));
  } catch {
    generation = undefined;
  }
  const hit = catalogs.get(project);
  if (hit && generation !== undefined && hit.generation === generation) return hit;
  invalidateCatalog(project);
  return startLoad(project);
}

export function invalidateCatalog(project: string): void {
  catalogs.delete(project);
}

/**
 * The generation of a snapshot loaded while Redis could not say which one is current: no counter
 * holds it, so the first read that reaches Redis again reloads.
 */
const UNKNOWN_GENERATION = "\u0000unknown";

async function loadCatalog(project: string): Promise<ProjectCatalog> {
  // The generation is read BEFORE the registry: an apply committing in between bumps it after
  // commit, so the next request sees a newer generation and reloads. The registry is Postgres: with
  // the online Redis down, the catalog (and historical retrieval, previews, examples) still loads.
  let generation: string | null;
  try {
    generation = await sharedRedis("online").get(registryGenerationKey(project));
  } catch {
    generation = UNKNOWN_GENERATION;
  }
  const row = await db().project.findUnique({
    where: { name: project },
    select: {
      id: true,
      name: true,
      archivedAt: true,
      featureViews: {
        where: { archivedAt: null },
        select: {
          id: true,
          name: true,
          restricted: true,
          latestVersion: true,
          versions: {
            select: {
              id: true,
              version: true,
              definition: true,
              sourceName: true,
              ttlSeconds: true,
              materialization: true,
              features: { orderBy: { position: "asc" }, select: { name: true, dtype: true, kind: true, aggregation: true } },
            },
          },
        },
      },
      featureServices: { where: { archivedAt: null }, select: { name: true, featureRefs: true } },
      sources: { where: { archivedAt: null, kind: "push" }, select: { name: true, definition: true, timestampField: true, createdTimestampField: true } },
    },
  });
  if (!row || row.archivedAt) throw notFound(`Project "${project}" does not exist.`, "project");
  const views = new Map<string, CatalogView>();
  for (const v of row.featureViews) {
    const versions = new Map<number, CatalogViewVersion>();
    for (const ver of v.versions) {
      const definition = (ver.definition ?? {}) as Record<string, unknown>;
      const features: CatalogFeature[] = ver.features.map((f) => ({
        name: f.name,
        dtype: f.dtype,
        kind: f.kind === "aggregation" ? "aggregation" : "field",
        aggregation: (f.aggregation as CatalogFeature["aggregation"]) ?? null,
      }));
      versions.set(ver.version, {
        id: ver.id,
        view: v.name,
        version: ver.version,
        restricted: v.restricted,
        joinKeys: ((definition.join_keys as { name: string; dtype: string }[] | undefined) ?? []).map((k) => ({ name: k.name, dtype: k.dtype })),
        ttlSeconds: ver.ttlSeconds,
        sourceName: ver.sourceName,
        features,
        featureByName: new Map(features.map((f) => [f.name, f])),
        definition,
        materialization: (ver.materialization ?? {}) as CatalogViewVersion["materialization"],
      });
    }
    views.set(v.name, { id: v.id, name: v.name, restricted: v.restricted, latestVersion: v.latestVersion, versions });
  }
  const pushSources: ProjectCatalog["pushSources"] = new Map();
  for (const s of row.sources) {
    const def = s.definition as { schema?: { name: string; dtype: string }[] };
    pushSources.set(s.name, {
      name: s.name,
      timestampField: s.timestampField,
      createdTimestampField: s.createdTimestampField,
      schema: (def.schema ?? []).map((c) => ({ name: c.name, dtype: c.dtype })),
    });
  }
  const catalog: ProjectCatalog = {
    projectId: row.id,
    project: row.name,
    generation,
    views,
    services: new Map(row.featureServices.map((s) => [s.name, s.featureRefs])),
    pushSources,
    loadedAt: Date.now(),
    plans: new Map(),
  };
  catalogs.set(project, catalog);
  return catalog;
}

/**
 * Feature refs (or a feature service) → concrete features in request order, from the cached catalog
 * (the hot-path twin of a registry query would cost a Postgres round trip per request).
 */
export function resolveFromCatalog(
  catalog: ProjectCatalog,
  input: { features?: string[] | null; feature_service?: string | null },
  /** Feast's rule for a request with both: the feature service is used and `features` ignored (else a 400). */
  serviceWins = false,
): ResolvedFeature[] {
  let refs: string[];
  if (input.feature_service) {
    if (!serviceWins && input.features && input.features.length > 0) throw badRequest('Send either "features" or "feature_service", not both.');
    const svc = catalog.services.get(input.feature_service);
    if (!svc) {
      throw badRequest(`Feature service "${input.feature_service}" does not exist in project "${catalog.project}"; feature services: ${[...catalog.services.keys()].sort().join(", ") || "(none)"}.`, [
        { name: "feature_service", reason: `unknown feature service; known: ${[...catalog.services.keys()].join(", ") || "(none)"}` },
      ], "feature_service");
    }
    refs = svc;
  } else {
    if (!input.features || input.features.length === 0) {
      throw badRequest('Send "features" (a list of "view:feature" refs) or "feature_service".', [{ name: "features", reason: "required" }]);
    }
    refs = input.features;
  }
  const out: ResolvedFeature[] = [];
  for (let i = 0; i < refs.length; i++) {
    const ref = refs[i];
    const where = input.feature_service ? `feature_service ${input.feature_service}` : `features[${i}]`;
    if (typeof ref !== "string") throw badRequest(`${where} must be a string.`, [{ name: where, reason: "must be a string" }]);
    const parsed = parseFeatureRef(ref);
    if (!parsed) throw badRequest(`"${ref}" is not a feature reference. ${FEATURE_REF_HELP}`, [{ name: where, reason: FEATURE_REF_HELP }]);
    const view = catalog.views.get(parsed.view);
    if (!view) {
      throw badRequest(`Feature view "${parsed.view}" (in "${ref}") does not exist in project "${catalog.project}"; feature views: ${[...catalog.views.keys()].sort().join(", ") || "(none)"}.`, [
        { name: where, reason: `unknown feature view "${parsed.view}"` },
      ], "feature_view");
    }
    const version = parsed.version ?? view.latestVersion;
    const vv = view.versions.get(version);
    if (!vv) {
      throw badRequest(
        `Feature view "${view.name}" has no version ${version} (in "${ref}"); versions: ${[...view.versions.keys()].sort((a, b) => a - b).map((n) => `v${n}`).join(", ")}.`,
        [{ name: where, reason: `unknown version v${version} of "${view.name}"` }],
        "feature_view_version",
      );
    }
    const features = parsed.feature === null ? vv.features : [vv.featureByName.get(parsed.feature)];
    if (!features[0]) {
      throw badRequest(
        `Feature "${parsed.feature}" does not exist in ${view.name}@v${version} (in "${ref}"); features: ${vv.features.map((f) => f.name).join(", ")}.`,
        [{ name: where, reason: `unknown feature "${parsed.feature}"` }],
        "feature",
      );
    }
    for (const f of features as CatalogFeature[]) {
      out.push({
        ref,
        view: view.name,
        version,
        pinned: parsed.version !== null,
        versionId: vv.id,
        feature: f.name,
        dtype: f.dtype,
        kind: f.kind,
        viewVersion: vv,
      });
    }
  }
  return out;
}
