// Shapes a feature view (and its versions) for API output; shared by the list and get use cases.
import "server-only";
import { readableActorLabels } from "../auth/actor-labels";
import { db } from "../db/client";
import type { Feature, FeatureView, FeatureViewVersion } from "../db/generated/client";
import { hrefs } from "../shared/hrefs";
import { commonOut, featureKind, iso, isoOrNull, materializationOf, objectOf } from "./read-common";
import type { FeatureOut, FeatureViewSummaryOut, FeatureViewVersionOut } from "./read-models";

export function featureOut(f: Feature): FeatureOut {
  return {
    name: f.name,
    dtype: f.dtype,
    description: f.description,
    kind: featureKind(f.kind),
    aggregation: f.aggregation === null ? null : objectOf(f.aggregation),
    position: f.position,
  };
}

export function versionOut(
  projectName: string,
  view: Pick<FeatureView, "name" | "latestVersion">,
  v: FeatureViewVersion & { features: Feature[] },
): FeatureViewVersionOut {
  return {
    view: view.name,
    version: v.version,
    isLatest: v.version === view.latestVersion,
    definitionHash: v.definitionHash,
    sourceName: v.sourceName,
    entityNames: v.entityNames,
    ttlSeconds: v.ttlSeconds,
    transform: v.transform,
    materialization: materializationOf(v.materialization),
    definition: objectOf(v.definition),
    createdAt: iso(v.createdAt),
    createdBy: v.createdBy,
    createdByLabel: v.createdBy,
    features: [...v.features].sort((a, b) => a.position - b.position || a.name.localeCompare(b.name)).map(featureOut),
    href: hrefs.featureViewVersion(projectName, view.name, v.version),
  };
}

/** The versions with `createdByLabel` naming API tokens by name. */
export async function withCreatorLabels(versions: FeatureViewVersionOut[]): Promise<FeatureViewVersionOut[]> {
  const labels = await readableActorLabels(versions.map((v) => v.createdBy));
  return versions.map((v) => ({ ...v, createdByLabel: labels.get(v.createdBy) ?? v.createdBy }));
}

export interface ViewExtras {
  latest: (FeatureViewVersion & { featuresCount: number }) | undefined;
  versionsCount: number;
  freshness: FeatureViewSummaryOut["freshness"];
}

/** Latest version, version count and freshness of many views in three queries. */
export async function loadViewExtras(views: Array<Pick<FeatureView, "id" | "latestVersion">>): Promise<Map<string, ViewExtras>> {
  const out = new Map<string, ViewExtras>();
  if (views.length === 0) return out;
  const [latest, counts] = await Promise.all([
    db().featureViewVersion.findMany({
      where: { OR: views.map((v) => ({ featureViewId: v.id, version: v.latestVersion })) },
      include: { _count: { select: { features: true } } },
    }),
    db().featureViewVersion.groupBy({ by: ["featureViewId"], where: { featureViewId: { in: views.map((v) => v.id) } }, _count: { _all: true } }),
  ]);
  const fresh = await db().materializedInterval.groupBy({
    by: ["versionId"],
    where: { versionId: { in: latest.map((l) => l.id) } },
    _max: { end: true, createdAt: true },
  });
  const freshByVersion = new Map(fresh.map((f) => [f.versionId, f._max]));
  const latestByView = new Map(latest.map((l) => [l.featureViewId, l]));
  const countByView = new Map(counts.map((c) => [c.featureViewId, c._count._all]));
  for (const v of views) {
    const l = latestByView.get(v.id);
    const f = l ? freshByVersion.get(l.id) : undefined;
    out.set(v.id, {
      latest: l ? { ...l, featuresCount: l._count.features } : undefined,
      versionsCount: countByView.get(v.id) ?? 0,
      freshness: { materializedUntil: isoOrNull(f?.end), lastMaterializedAt: isoOrNull(f?.createdAt) },
    });
  }
  return out;
}

export function viewSummaryOut(projectName: string, view: FeatureView, extras: ViewExtras | undefined): FeatureViewSummaryOut {
  const l = extras?.latest;
  return {
    ...commonOut(view, hrefs.featureView(projectName, view.name)),
    restricted: view.restricted,
    latestVersion: view.latestVersion,
    versionsCount: extras?.versionsCount ?? 0,
    entities: l?.entityNames ?? [],
    source: l?.sourceName ?? "",
    ttlSeconds: l?.ttlSeconds ?? null,
    featuresCount: l?.featuresCount ?? 0,
    materialization: l ? materializationOf(l.materialization) : { online: false, offline: false },
    freshness: extras?.freshness ?? { materializedUntil: null, lastMaterializedAt: null },
  };
}
