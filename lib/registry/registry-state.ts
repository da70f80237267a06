// A snapshot of one project's registry (archived objects included) that plan and validation
// compare a repo against. Pure data, so planning can be unit-tested with hand-built states.
import "server-only";
import type { Prisma } from "../db/generated/client";

export type DbClient = Prisma.TransactionClient;

type Tags = Record<string, string>;

export interface StateMeta {
  id: string;
  name: string;
  description: string;
  owner: string;
  tags: Tags;
  archived: boolean;
}

export interface StateEntity extends StateMeta {
  joinKeys: { name: string; dtype: string }[];
}

export interface StateSource extends StateMeta {
  kind: string;
  /** The full SourceDef as applied. */
  definition: Record<string, unknown>;
  definitionHash: string;
}

export interface StateFeature {
  name: string;
  dtype: string;
  kind: string;
  description: string;
}

export interface StateViewVersion {
  id: string;
  version: number;
  definitionHash: string;
  definition: Record<string, unknown>;
  sourceName: string;
  entityNames: string[];
  materialization: { online: boolean; offline: boolean; schedule?: string };
  /** The stored monitoring JSON (monitoring-config.ts). */
  monitoring: unknown;
  features: StateFeature[];
}

export interface StateView extends StateMeta {
  restricted: boolean;
  latestVersion: number;
  versions: Map<number, StateViewVersion>;
}

export interface StateService extends StateMeta {
  featureRefs: string[];
}

export interface StateModel extends StateMeta {
  featureServices: string[];
}

export interface RegistryState {
  project: { id: string; name: string; description: string } | null;
  entities: Map<string, StateEntity>;
  sources: Map<string, StateSource>;
  views: Map<string, StateView>;
  services: Map<string, StateService>;
  models: Map<string, StateModel>;
}

export function emptyRegistryState(): RegistryState {
  return { project: null, entities: new Map(), sources: new Map(), views: new Map(), services: new Map(), models: new Map() };
}

function meta(r: { id: string; name: string; description: string; owner: string; tags: unknown; archivedAt: Date | null }): StateMeta {
  return { id: r.id, name: r.name, description: r.description, owner: r.owner, tags: (r.tags ?? {}) as Tags, archived: r.archivedAt !== null };
}

export async function loadRegistryState(client: DbClient, projectName: string): Promise<RegistryState> {
  const state = emptyRegistryState();
  const project = await client.project.findUnique({ where: { name: projectName } });
  if (!project) return state;
  state.project = { id: project.id, name: project.name, description: project.description };
  const where = { projectId: project.id };
  const [entities, sources, views, services, models] = await Promise.all([
    client.entity.findMany({ where }),
    client.source.findMany({ where }),
    client.featureView.findMany({
      where,
      include: { versions: { include: { features: { orderBy: { position: "asc" } } }, orderBy: { version: "asc" } } },
    }),
    client.featureService.findMany({ where }),
    client.model.findMany({ where, include: { featureServices: { include: { service: { select: { name: true } } } } } }),
  ]);
  for (const e of entities) state.entities.set(e.name, { ...meta(e), joinKeys: e.joinKeys as StateEntity["joinKeys"] });
  for (const s of sources) {
    state.sources.set(s.name, {
      ...meta(s),
      kind: s.kind,
      definition: s.definition as Record<string, unknown>,
      definitionHash: s.definitionHash,
    });
  }
  for (const v of views) {
    state.views.set(v.name, {
      ...meta(v),
      restricted: v.restricted,
      latestVersion: v.latestVersion,
      versions: new Map(
        v.versions.map((x) => [
          x.version,
          {
            id: x.id,
            version: x.version,
            definitionHash: x.definitionHash,
            definition: x.definition as Record<string, unknown>,
            sourceName: x.sourceName,
            entityNames: x.entityNames,
            materialization: x.materialization as StateViewVersion["materialization"],
            monitoring: x.monitoring,
            features: x.features.map((f) => ({ name: f.name, dtype: f.dtype, kind: f.kind, description: f.description })),
          },
        ]),
      ),
    });
  }
  for (const s of services) state.services.set(s.name, { ...meta(s), featureRefs: s.featureRefs });
  for (const m of models) state.models.set(m.name, { ...meta(m), featureServices: m.featureServices.map((x) => x.service.name).sort() });
  return state;
}
