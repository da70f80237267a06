// `apply`: make the registry match the repo, in one transaction. Value changes to a feature view
// create version n+1 (old versions stay readable); metadata is edited in place and audited;
// objects missing from the repo are archived only with prune, and never while something that
// stays depends on them (409 naming the dependents).
import "server-only";
import type { Prisma } from "../db/generated/client";
import { principalLabel } from "../auth/principal";
import { recordAudit, type AuditEntry } from "../audit/record";
import { db } from "../db/client";
import { LarderError, notFound } from "../errors";
import { rebuildSearchDocuments, refreshSearchStatistics } from "../search/rebuild-documents";
import { afterRegistryChange } from "./after-registry-change";
import { assertMayChangeRestriction } from "./restriction-change";
import { assertMayExposeSources } from "./restricted-sources";
import type { CompiledView } from "./compile-view";
import { sourceHash } from "./definition-hash";
import { buildPlan } from "./plan-repo";
import type { ApplyResult, PlanChange } from "./plan-schema";
import { parseFeatureRef } from "../shared/feature-refs";
import { loadRegistryState, type RegistryState } from "./registry-state";
import type { RepoOrigins } from "./repo-origins";
import { isRestricted, type RepoDef } from "./repo-schema";
import { confineSourcePaths } from "./source-paths";
import { validateRepo } from "./validate-repo";

type Tx = Prisma.TransactionClient;
export type ApplyActor = AuditEntry["actor"];

export interface ApplyRepoInput {
  repo: RepoDef;
  actor: ApplyActor;
  prune?: boolean;
  origins?: RepoOrigins;
  /** Create the project when it does not exist (CLI bootstrap/demo with a system actor, or an instance admin). */
  projectCreate?: boolean;
  /** Relative source paths resolve against this folder (the server's working directory by default). */
  baseDir?: string;
}

const json = (v: unknown) => v as Prisma.InputJsonValue;

function actorLabel(a: ApplyActor): string {
  return a.kind === "system" ? a.label : principalLabel(a);
}

function mayCreateProject(a: ApplyActor): boolean {
  return a.kind === "system" || (a.kind === "user" && a.isAdmin);
}

function versionData(c: CompiledView, version: number, createdBy: string) {
  return {
    version,
    definitionHash: c.hash,
    definition: json(c.definition),
    sourceName: c.sourceName,
    entityNames: c.entityNames,
    ttlSeconds: c.ttlSeconds,
    transform: c.transform,
    materialization: json(c.materialization),
    monitoring: json(c.monitoring),
    createdBy,
    features: {
      create: c.features.map((f) => ({
        name: f.name,
        dtype: f.dtype,
        description: f.description,
        kind: f.kind,
        aggregation: f.aggregation ? json(f.aggregation) : undefined,
        position: f.position,
      })),
    },
  };
}

/** Resolved rows of every repo feature service (version null = latest), rewritten when they differ. */
async function syncServiceFeatures(
  tx: Tx,
  projectId: string,
  repo: RepoDef,
  state: RegistryState,
  compiled: Map<string, CompiledView>,
  toVersion: Map<string, number>,
) {
  const views = await tx.featureView.findMany({ where: { projectId }, select: { id: true, name: true } });
  const viewId = new Map(views.map((v) => [v.name, v.id]));
  const services = await tx.featureService.findMany({ where: { projectId, name: { in: repo.feature_services.map((s) => s.name) } }, include: { features: true } });
  for (const svc of services) {
    const def = repo.feature_services.find((s) => s.name === svc.name)!;
    const wanted: { featureViewId: string; version: number | null; featureName: string; position: number }[] = [];
    const seen = new Set<string>();
    for (const raw of def.features) {
      const ref = parseFeatureRef(raw)!;
      const id = viewId.get(ref.view)!;
      let names: string[];
      if (ref.feature !== null) names = [ref.feature];
      else {
        // `view` / `view@vK`: every feature of that version, expanded now.
        const c = compiled.get(ref.view);
        const planned = toVersion.get(ref.view) ?? state.views.get(ref.view)?.latestVersion ?? 0;
        const version = ref.version ?? planned;
        names = c && version === planned ? c.features.map((f) => f.name) : (state.views.get(ref.view)?.versions.get(version)?.features.map((f) => f.name) ?? []);
      }
      for (const n of names) {
        const key = `${id}|${ref.version}|${n}`;
        if (seen.has(key)) continue;
        seen.add(key);
        wanted.push({ featureViewId: id, version: ref.version, featureName: n, position: wanted.length });
      }
    }
    const have = [...svc.features].sort((a, b) => a.position - b.position).map((f) => `${f.featureViewId}|${f.version}|${f.featureName}|${f.position}`);
    const want = wanted.map((f) => `${f.featureViewId}|${f.version}|${f.featureName}|${f.position}`);
    if (have.join("\n") === want.join("\n")) continue;
    await tx.featureServiceFeature.deleteMany({ where: { serviceId: svc.id } });
    await tx.featureServiceFeature.createMany({ data: wanted.map((w) => ({ ...w, serviceId: svc.id })) });
  }
}

async function syncModelServices(tx: Tx, projectId: string, repo: RepoDef) {
  const services = await tx.featureService.findMany({ where: { projectId }, select: { id: true, name: true } });
  const serviceId = new Map(services.map((s) => [s.name, s.id]));
  const models = await tx.model.findMany({ where: { projectId, name: { in: repo.models.map((m) => m.name) } }, include: { featureServices: true } });
  for (const m of models) {
    const def = repo.models.find((x) => x.name === m.name)!;
    const want = [...new Set(def.feature_services.map((n) => serviceId.get(n)!))].sort();
    const have = m.featureServices.map((x) => x.serviceId).sort();
    if (want.join() === have.join()) continue;
    await tx.modelFeatureService.deleteMany({ where: { modelId: m.id } });
    await tx.modelFeatureService.createMany({ data: want.map((serviceId) => ({ modelId: m.id, serviceId })) });
  }
}

export async function applyRepo(input: ApplyRepoInput): Promise<ApplyResult> {
  const repo = confineSourcePaths(input.repo, input.baseDir ?? process.cwd(), input.origins);
  const prune = input.prune ?? false;
  const label = actorLabel(input.actor);

  // Validation (DuckDB parsing, file schemas) runs before the transaction to keep it short; the
  // plan is rebuilt inside the transaction from a locked, fresh snapshot.
  const preState = await loadRegistryState(db(), repo.project);
  if (!preState.project && !(input.projectCreate && mayCreateProject(input.actor))) {
    throw notFound(`Project "${repo.project}" does not exist; an instance administrator creates projects.`);
  }
  const warnings = await validateRepo(repo, { registry: preState, origins: input.origins });

  const outcome = await db().$transaction(
    async (tx) => {
      const existing = await tx.project.findUnique({ where: { name: repo.project } });
      if (existing?.archivedAt) throw new LarderError("conflict", `Project "${repo.project}" is archived.`);
      if (existing) await tx.$queryRaw`SELECT id FROM "Project" WHERE id = ${existing.id} FOR UPDATE`;
      const state = await loadRegistryState(tx, repo.project);
      const { plan, compiled } = buildPlan(repo, state, { prune, warnings });
      if (plan.conflicts.length) {
        throw new LarderError(
          "conflict",
          `Cannot archive: ${plan.conflicts.map((c) => `${c.kind} ${c.name} is used by ${c.dependents.join(", ")}`).join("; ")}. Remove or change the dependents first.`,
          { details: { conflicts: plan.conflicts } },
        );
      }
      if (!plan.hasChanges) return { plan, projectId: existing!.id, archivedViews: [] as string[] };
      if (existing) {
        const restriction = plan.changes.filter((c) => c.kind === "feature_view" && c.fields.includes("restricted")).map((c) => c.name);
        assertMayChangeRestriction(input.actor, existing, restriction);
        assertMayExposeSources(input.actor, existing, repo, state, plan.changes);
      }

      const project = existing
        ? await tx.project.update({ where: { id: existing.id }, data: repo.description ? { description: repo.description } : {} })
        : await tx.project.create({ data: { name: repo.project, description: repo.description } });
      const projectId = project.id;
      const now = new Date();
      const byKind = (kind: PlanChange["kind"]) => plan.changes.filter((c) => c.kind === kind && c.action !== "unchanged" && c.action !== "would_archive_with_prune");
      const meta = (o: { description: string; owner: string; tags: Record<string, string> }) => ({
        description: o.description,
        owner: o.owner,
        tags: json(o.tags),
      });

      for (const c of byKind("entity")) {
        if (c.action === "archive") {
          await tx.entity.update({ where: { projectId_name: { projectId, name: c.name } }, data: { archivedAt: now } });
          continue;
        }
        const e = repo.entities.find((x) => x.name === c.name)!;
        const data = { ...meta(e), joinKeys: json(e.join_keys), archivedAt: null };
        await tx.entity.upsert({ where: { projectId_name: { projectId, name: e.name } }, create: { projectId, name: e.name, ...data }, update: data });
      }

      for (const c of byKind("source")) {
        if (c.action === "archive") {
          await tx.source.update({ where: { projectId_name: { projectId, name: c.name } }, data: { archivedAt: now } });
          continue;
        }
        const s = repo.sources.find((x) => x.name === c.name)!;
        const data = {
          ...meta(s),
          kind: s.kind,
          definition: json(s),
          definitionHash: sourceHash(s),
          timestampField: s.timestamp_field,
          createdTimestampField: s.created_timestamp_field ?? null,
          archivedAt: null,
        };
        await tx.source.upsert({ where: { projectId_name: { projectId, name: s.name } }, create: { projectId, name: s.name, ...data }, update: data });
      }

      const archivedViews: string[] = [];
      for (const c of byKind("feature_view")) {
        const stored = state.views.get(c.name);
        if (c.action === "archive") {
          await tx.featureView.update({ where: { id: stored!.id }, data: { archivedAt: now } });
          archivedViews.push(c.name);
          continue;
        }
        const v = repo.feature_views.find((x) => x.name === c.name)!;
        const cv = compiled.get(c.name)!;
        const viewData = { ...meta(v), restricted: isRestricted(v.tags), archivedAt: null };
        if (!stored) {
          await tx.featureView.create({
            data: { projectId, name: v.name, ...viewData, latestVersion: 1, versions: { create: versionData(cv, 1, label) } },
          });
          continue;
        }
        const latest = stored.versions.get(stored.latestVersion);
        if (!latest || latest.definitionHash !== cv.hash) {
          const version = stored.latestVersion + 1;
          await tx.featureViewVersion.create({ data: { featureViewId: stored.id, ...versionData(cv, version, label) } });
          await tx.featureView.update({ where: { id: stored.id }, data: { ...viewData, latestVersion: version } });
          continue;
        }
        // Same values: metadata in place on the view and on its latest version.
        await tx.featureView.update({ where: { id: stored.id }, data: viewData });
        if (c.fields.includes("materialization")) {
          await tx.featureViewVersion.update({ where: { id: latest.id }, data: { materialization: json(cv.materialization) } });
        }
        if (c.fields.includes("monitoring")) {
          await tx.featureViewVersion.update({ where: { id: latest.id }, data: { monitoring: json(cv.monitoring) } });
        }
        if (c.fields.includes("features.description")) {
          const before = new Map(latest.features.map((f) => [f.name, f.description]));
          for (const f of cv.features) {
            if (before.get(f.name) !== f.description) {
              await tx.feature.update({ where: { versionId_name: { versionId: latest.id, name: f.name } }, data: { description: f.description } });
            }
          }
        }
      }

      for (const c of byKind("feature_service")) {
        if (c.action === "archive") {
          await tx.featureService.update({ where: { projectId_name: { projectId, name: c.name } }, data: { archivedAt: now } });
          continue;
        }
        const s = repo.feature_services.find((x) => x.name === c.name)!;
        const data = { ...meta(s), featureRefs: s.features, archivedAt: null };
        await tx.featureService.upsert({ where: { projectId_name: { projectId, name: s.name } }, create: { projectId, name: s.name, ...data }, update: data });
      }
      const toVersion = new Map(plan.changes.filter((c) => c.kind === "feature_view" && c.toVersion).map((c) => [c.name, c.toVersion!]));
      await syncServiceFeatures(tx, projectId, repo, state, compiled, toVersion);

      for (const c of byKind("model")) {
        if (c.action === "archive") {
          await tx.model.update({ where: { projectId_name: { projectId, name: c.name } }, data: { archivedAt: now } });
          continue;
        }
        const m = repo.models.find((x) => x.name === c.name)!;
        const data = { ...meta(m), archivedAt: null };
        await tx.model.upsert({ where: { projectId_name: { projectId, name: m.name } }, create: { projectId, name: m.name, ...data }, update: data });
      }
      await syncModelServices(tx, projectId, repo);

      // Audit: one summary row for the apply, one per in-place edit, new version and archive.
      const changed = plan.changes.filter((c) => c.action !== "unchanged" && c.action !== "would_archive_with_prune");
      await recordAudit(
        {
          actor: input.actor,
          projectId,
          action: "apply",
          targetType: "project",
          targetName: repo.project,
          details: { prune, summary: plan.summary, changes: changed.map((c) => ({ kind: c.kind, name: c.name, action: c.action, fields: c.fields, toVersion: c.toVersion })) },
        },
        tx,
      );
      for (const c of changed) {
        if (c.kind === "project" && c.action === "create") continue;
        const action = c.action === "update" ? "metadata_update" : c.action;
        if (c.action === "create") continue; // in the summary row
        await recordAudit(
          {
            actor: input.actor,
            projectId,
            action: `${c.kind}.${action}`,
            targetType: c.kind,
            targetName: c.name,
            details: { fields: c.fields, ...(c.kind === "feature_view" ? { fromVersion: c.fromVersion, toVersion: c.toVersion } : {}) },
          },
          tx,
        );
      }
      // Restriction changes are access changes: audited on their own row.
      for (const c of changed.filter((x) => x.kind === "feature_view" && x.fields.includes("restricted"))) {
        const restricted = isRestricted(repo.feature_views.find((v) => v.name === c.name)!.tags);
        await recordAudit(
          { actor: input.actor, projectId, action: "feature_view.restriction_change", targetType: "feature_view", targetName: c.name, details: { from: !restricted, to: restricted } },
          tx,
        );
      }

      await rebuildSearchDocuments(tx, projectId);
      return { plan, projectId, archivedViews };
    },
    { timeout: 120_000, maxWait: 15_000 },
  );

  const { plan } = outcome;
  if (plan.hasChanges) await refreshSearchStatistics();
  const viewChanges = new Map(plan.changes.filter((c) => c.kind === "feature_view").map((c) => [c.name, c]));
  const versions = repo.feature_views.map((v) => ({ view: v.name, version: viewChanges.get(v.name)?.toVersion ?? 1 }));
  const afterWarnings = await afterRegistryChange({ kind: "definitions", projectName: repo.project });
  return {
    plan: { ...plan, warnings: [...plan.warnings, ...afterWarnings] },
    applied: plan.hasChanges,
    versions,
  };
}
