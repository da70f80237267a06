// Rebuilds the search documents of one project from the registry. Called inside apply's
// transaction so search never lags definitions. One document per active entity, source, feature
// view (its latest version), feature (of latest versions; qualifiedName `view:feature`), feature
// service and model. Archived objects are not searchable. See docs/search-and-lineage.md.
import "server-only";
import { db } from "../db/client";
import type { Prisma } from "../db/generated/client";
import { parseFeatureRef } from "../shared/feature-refs";
import { log } from "../config/log";

type Json = Prisma.JsonValue;

interface Doc {
  projectId: string;
  kind: "entity" | "source" | "feature_view" | "feature" | "feature_service" | "model";
  objectId: string;
  name: string;
  qualifiedName: string;
  viewName: string | null;
  description: string;
  owner: string;
  tags: Record<string, string>;
  tagPairs: string[];
  entities: string[];
  dtype: string | null;
  body: string;
}

function tagRecord(json: Json): Record<string, string> {
  if (!json || typeof json !== "object" || Array.isArray(json)) return {};
  return Object.fromEntries(Object.entries(json).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]));
}

const tagPairsOf = (tags: Record<string, string>) => Object.entries(tags).map(([k, v]) => `${k}:${v}`);

/** The free text a document is found by: name, description, owner, tags, feature and entity names. */
function bodyOf(parts: { name: string; description: string; owner: string; tags: Record<string, string>; features?: string[]; entities?: string[]; extra?: string[] }): string {
  return [
    parts.name,
    parts.description,
    parts.owner,
    ...Object.entries(parts.tags).flatMap(([k, v]) => [k, v]),
    ...(parts.features ?? []),
    ...(parts.entities ?? []),
    ...(parts.extra ?? []),
  ]
    .filter(Boolean)
    .join(" ");
}

function doc(projectId: string, kind: Doc["kind"], objectId: string, row: { name: string; description: string; owner: string; tags: Json }, more: Partial<Doc> & { features?: string[]; extra?: string[] }): Doc {
  const tags = tagRecord(row.tags);
  const entities = more.entities ?? [];
  return {
    projectId,
    kind,
    objectId,
    name: row.name,
    qualifiedName: more.qualifiedName ?? row.name,
    viewName: more.viewName ?? null,
    description: row.description,
    owner: row.owner,
    tags,
    tagPairs: tagPairsOf(tags),
    entities,
    dtype: more.dtype ?? null,
    body: bodyOf({ ...row, tags, features: more.features, entities, extra: more.extra }),
  };
}

/**
 * Refreshes the planner's statistics of SearchDocument after an apply rewrote a project's
 * documents. Without them (a new table, or a large apply before autovacuum's next pass) PostgreSQL
 * estimates a handful of rows, plans the search statement with nested loops, and a search over
 * 10,000 features took 0.75 s instead of 0.1 s. ANALYZE samples at most 30,000 rows and blocks no
 * reads or writes; it runs after the apply's transaction, and a failure only costs speed.
 */
export async function refreshSearchStatistics(): Promise<void> {
  try {
    await db().$executeRaw`ANALYZE "SearchDocument"`;
  } catch (e) {
    log().warn({ err: e }, "could not ANALYZE the search documents (search may be slow until autovacuum does)");
  }
}

/**
 * Writes `searchVector` (the text full-text search matches) for a project's documents. Prisma
 * cannot write a tsvector column, so it follows the insert in the same transaction; search reads
 * only this column, never the text.
 */
export async function fillSearchVectors(tx: Prisma.TransactionClient, projectId: string): Promise<void> {
  await tx.$executeRaw`UPDATE "SearchDocument" SET "searchVector" = to_tsvector('simple', "qualifiedName" || ' ' || body) WHERE "projectId" = ${projectId}`;
}

export async function rebuildSearchDocuments(tx: Prisma.TransactionClient, projectId: string): Promise<void> {
  const active = { projectId, archivedAt: null };
  const [entities, sources, views, services, models] = await Promise.all([
    tx.entity.findMany({ where: active }),
    tx.source.findMany({ where: active }),
    tx.featureView.findMany({ where: active }),
    tx.featureService.findMany({ where: active }),
    tx.model.findMany({ where: active, include: { featureServices: { select: { serviceId: true } } } }),
  ]);
  const latest = views.length
    ? await tx.featureViewVersion.findMany({
        where: { OR: views.map((v) => ({ featureViewId: v.id, version: v.latestVersion })) },
        include: { features: { orderBy: { position: "asc" } } },
      })
    : [];
  const latestByView = new Map(latest.map((l) => [l.featureViewId, l]));

  const docs: Doc[] = [];
  for (const e of entities) {
    const keys = Array.isArray(e.joinKeys) ? (e.joinKeys as Array<{ name?: string }>).map((k) => String(k?.name ?? "")) : [];
    docs.push(doc(projectId, "entity", e.id, e, { entities: [e.name], extra: keys }));
  }
  const viewsBySource = new Map<string, string[]>();
  const entitiesByView = new Map<string, string[]>();
  for (const v of views) {
    const l = latestByView.get(v.id);
    if (!l) continue;
    entitiesByView.set(v.name, l.entityNames);
    viewsBySource.set(l.sourceName, [...(viewsBySource.get(l.sourceName) ?? []), v.name]);
    const featureNames = l.features.map((f) => f.name);
    docs.push(doc(projectId, "feature_view", v.id, v, { viewName: v.name, entities: l.entityNames, features: featureNames, extra: [l.sourceName] }));
    for (const f of l.features) {
      docs.push(
        doc(
          projectId,
          "feature",
          f.id,
          // A feature inherits its view's owner and tags; its own description comes first.
          { name: f.name, description: f.description, owner: v.owner, tags: v.tags },
          { qualifiedName: `${v.name}:${f.name}`, viewName: v.name, entities: l.entityNames, dtype: f.dtype, extra: [v.name, v.description, f.kind] },
        ),
      );
    }
  }
  for (const s of sources) {
    const readers = viewsBySource.get(s.name) ?? [];
    const entityNames = [...new Set(readers.flatMap((r) => entitiesByView.get(r) ?? []))];
    docs.push(doc(projectId, "source", s.id, s, { entities: entityNames, extra: [s.kind, ...readers] }));
  }
  const serviceEntities = new Map<string, string[]>();
  for (const s of services) {
    const viewNames = s.featureRefs.map((r) => parseFeatureRef(r)?.view).filter((v): v is string => !!v);
    const entityNames = [...new Set(viewNames.flatMap((v) => entitiesByView.get(v) ?? []))];
    serviceEntities.set(s.id, entityNames);
    docs.push(doc(projectId, "feature_service", s.id, s, { entities: entityNames, features: s.featureRefs }));
  }
  const serviceName = new Map(services.map((s) => [s.id, s.name]));
  for (const m of models) {
    const ids = m.featureServices.map((x) => x.serviceId);
    const entityNames = [...new Set(ids.flatMap((id) => serviceEntities.get(id) ?? []))];
    docs.push(doc(projectId, "model", m.id, m, { entities: entityNames, extra: ids.map((id) => serviceName.get(id) ?? "") }));
  }

  await tx.searchDocument.deleteMany({ where: { projectId } });
  if (docs.length) {
    const now = new Date();
    await tx.searchDocument.createMany({
      data: docs.map((d) => ({ ...d, tags: d.tags as Prisma.InputJsonValue, updatedAt: now })),
    });
    await fillSearchVectors(tx, projectId);
  }
}
