// `plan`: what apply would do to the registry, computed without writing anything. buildPlan is a
// pure function of the repo and a registry snapshot (unit-tested); planRepo loads the snapshot,
// validates the repo and builds the plan.
import "server-only";
import { db } from "../db/client";
import { compileView, type CompiledView } from "./compile-view";
import { canonicalJson, changedViewParts, sourceValue, viewValueParts, type EntityKeys, type ViewValueInput } from "./definition-hash";
import { parseFeatureRef } from "../shared/feature-refs";
import { loadRegistryState, type DbClient, type RegistryState, type StateMeta } from "./registry-state";
import type { RepoOrigins } from "./repo-origins";
import { isRestricted, type RepoDef, type SourceDef } from "./repo-schema";
import { confineSourcePaths } from "./source-paths";
import { entityKeysFor, sourceFor, validateRepo } from "./validate-repo";
import type { Plan, PlanAction, PlanChange, PlanConflict, PlanKind } from "./plan-schema";
import { monitoringOf } from "./monitoring-config";

export interface BuiltPlan {
  plan: Plan;
  /** Every repo view compiled (definition, hash, feature rows), by name. */
  compiled: Map<string, CompiledView>;
}

type Meta = { description: string; owner: string; tags: Record<string, string> };

function metaFields(repo: Meta, stored: StateMeta): string[] {
  const out: string[] = [];
  if (repo.description !== stored.description) out.push("description");
  if (repo.owner !== stored.owner) out.push("owner");
  if (canonicalJson(repo.tags) !== canonicalJson(stored.tags ?? {})) out.push("tags");
  return out;
}

function decide(stored: StateMeta | undefined, fields: string[], valueChanged = false): PlanAction {
  if (!stored) return "create";
  if (stored.archived) return "restore";
  if (valueChanged) return "new_version";
  return fields.length ? "update" : "unchanged";
}

/** Which features of a view a reference names (`view` alone = the view). */
export function referencedView(ref: string): string | null {
  return parseFeatureRef(ref)?.view ?? null;
}

export function buildPlan(repoIn: RepoDef, state: RegistryState, opts: { prune?: boolean; warnings?: string[] } = {}): BuiltPlan {
  const repo = repoIn;
  const prune = opts.prune ?? false;
  const changes: PlanChange[] = [];
  const compiled = new Map<string, CompiledView>();

  // Project.
  if (!state.project) changes.push({ kind: "project", name: repo.project, action: "create", fields: [] });
  else {
    const fields = repo.description && repo.description !== state.project.description ? ["description"] : [];
    changes.push({ kind: "project", name: repo.project, action: fields.length ? "update" : "unchanged", fields });
  }

  for (const e of repo.entities) {
    const stored = state.entities.get(e.name);
    const fields = stored ? [...(canonicalJson(e.join_keys) !== canonicalJson(stored.joinKeys) ? ["join_keys"] : []), ...metaFields(e, stored)] : [];
    changes.push({ kind: "entity", name: e.name, action: decide(stored, fields), fields });
  }

  for (const s of repo.sources) {
    const stored = state.sources.get(s.name);
    const fields: string[] = [];
    if (stored) {
      const a = sourceValue(s);
      const b = sourceValue(stored.definition);
      for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) if (canonicalJson(a[k]) !== canonicalJson(b[k])) fields.push(k);
      fields.push(...metaFields(s, stored));
    }
    changes.push({ kind: "source", name: s.name, action: decide(stored, fields), fields });
  }

  for (const v of repo.feature_views) {
    const entities = v.entities.map((n) => entityKeysFor(repo, state, n));
    const source = sourceFor(repo, state, v.source);
    if (entities.some((e) => !e) || !source) continue; // validation reports these
    const c = compileView(v, entities as EntityKeys[], source);
    compiled.set(v.name, c);
    const stored = state.views.get(v.name);
    const latest = stored?.versions.get(stored.latestVersion);
    if (!stored || !latest) {
      changes.push({ kind: "feature_view", name: v.name, action: stored ? "restore" : "create", fields: [], fromVersion: null, toVersion: 1 });
      continue;
    }
    const valueChanged = latest.definitionHash !== c.hash;
    const fields: string[] = [];
    if (valueChanged) {
      const d = latest.definition as { view: ViewValueInput; entities: EntityKeys[]; source: SourceDef };
      const before = viewValueParts(d.view, d.entities, d.source);
      const after = viewValueParts(v, entities as EntityKeys[], source);
      const parts = changedViewParts(before, after);
      fields.push(...(parts.length ? parts : ["definition"]));
    }
    fields.push(...metaFields(v, stored));
    if (isRestricted(v.tags) !== stored.restricted) fields.push("restricted");
    if (canonicalJson(c.materialization) !== canonicalJson(latest.materialization)) fields.push("materialization");
    if (canonicalJson(c.monitoring) !== canonicalJson(monitoringOf(latest.monitoring))) fields.push("monitoring");
    if (!valueChanged) {
      const byName = new Map(latest.features.map((f) => [f.name, f.description]));
      if (c.features.some((f) => byName.get(f.name) !== f.description)) fields.push("features.description");
    }
    changes.push({
      kind: "feature_view",
      name: v.name,
      action: decide(stored, fields, valueChanged),
      fields,
      fromVersion: stored.latestVersion,
      toVersion: valueChanged ? stored.latestVersion + 1 : stored.latestVersion,
    });
  }

  for (const s of repo.feature_services) {
    const stored = state.services.get(s.name);
    const fields = stored ? [...(canonicalJson(s.features) !== canonicalJson(stored.featureRefs) ? ["features"] : []), ...metaFields(s, stored)] : [];
    changes.push({ kind: "feature_service", name: s.name, action: decide(stored, fields), fields });
  }

  for (const m of repo.models) {
    const stored = state.models.get(m.name);
    const wanted = [...new Set(m.feature_services)].sort();
    const fields = stored ? [...(canonicalJson(wanted) !== canonicalJson(stored.featureServices) ? ["feature_services"] : []), ...metaFields(m, stored)] : [];
    changes.push({ kind: "model", name: m.name, action: decide(stored, fields), fields });
  }

  // Objects in the registry that the repo no longer defines.
  const conflicts: PlanConflict[] = [];
  const removed = (kind: PlanKind, stored: Map<string, StateMeta>, inRepo: { name: string }[], dependents: (name: string) => string[]) => {
    const names = new Set(inRepo.map((o) => o.name));
    for (const o of stored.values()) {
      if (o.archived || names.has(o.name)) continue;
      changes.push({ kind, name: o.name, action: prune ? "archive" : "would_archive_with_prune", fields: [] });
      if (!prune) continue;
      const deps = dependents(o.name);
      if (deps.length) conflicts.push({ kind, name: o.name, reason: `${kind} ${o.name} is still used by ${deps.join(", ")}`, dependents: deps });
    }
  };
  removed("entity", state.entities, repo.entities, (n) => repo.feature_views.filter((v) => v.entities.includes(n)).map((v) => `feature_view ${v.name}`));
  removed("source", state.sources, repo.sources, (n) => repo.feature_views.filter((v) => v.source === n).map((v) => `feature_view ${v.name}`));
  removed("feature_view", state.views, repo.feature_views, (n) =>
    repo.feature_services.filter((s) => s.features.some((r) => referencedView(r) === n)).map((s) => `feature_service ${s.name}`),
  );
  removed("feature_service", state.services, repo.feature_services, (n) =>
    repo.models.filter((m) => m.feature_services.includes(n)).map((m) => `model ${m.name}`),
  );
  removed("model", state.models, repo.models, () => []);

  const summary: Record<string, number> = {};
  for (const c of changes) if (c.kind !== "project") summary[c.action] = (summary[c.action] ?? 0) + 1;
  const hasChanges = changes.some((c) => c.action !== "unchanged" && c.action !== "would_archive_with_prune");
  return {
    plan: { project: repo.project, prune, changes, conflicts, warnings: opts.warnings ?? [], summary, hasChanges },
    compiled,
  };
}

export interface PlanRepoInput {
  repo: RepoDef;
  prune?: boolean;
  origins?: RepoOrigins;
  /** Relative source paths resolve against this folder (the server's working directory by default). */
  baseDir?: string;
  client?: DbClient;
}

/** Validates the repo against the registry and returns the plan. Writes nothing. */
export async function planRepo(input: PlanRepoInput): Promise<Plan> {
  const repo = confineSourcePaths(input.repo, input.baseDir ?? process.cwd(), input.origins);
  const state = await loadRegistryState(input.client ?? db(), repo.project);
  const warnings = await validateRepo(repo, { registry: state, origins: input.origins });
  return buildPlan(repo, state, { prune: input.prune, warnings }).plan;
}

const VERBS: Record<PlanAction, string> = {
  create: "+ create",
  new_version: "~ new version",
  update: "~ update",
  unchanged: "= unchanged",
  restore: "+ restore",
  archive: "- archive",
  would_archive_with_prune: "? not in repo",
};

/** The plan as the CLI prints it. */
export function renderPlan(plan: Plan, opts: { showUnchanged?: boolean } = {}): string {
  const lines: string[] = [`Plan for project ${plan.project}${plan.prune ? " (with prune)" : ""}:`];
  for (const c of plan.changes) {
    if (c.action === "unchanged" && !opts.showUnchanged) continue;
    let line = `  ${VERBS[c.action]} ${c.kind} ${c.name}`;
    if (c.kind === "feature_view" && c.toVersion) {
      if (c.action === "new_version") line = `  ${VERBS[c.action]} ${c.kind} ${c.name} v${c.toVersion}`;
      else if (c.action === "create" || c.action === "restore") line += ` (v${c.toVersion})`;
    }
    if (c.action === "new_version" && c.fields.length) line += ` (${c.fields.join(", ")} changed)`;
    else if (c.fields.length) line += ` (${c.fields.join(", ")})`;
    if (c.action === "would_archive_with_prune") line += " — kept; run with --prune to archive it";
    lines.push(line);
  }
  for (const c of plan.conflicts) lines.push(`  ! cannot archive ${c.kind} ${c.name}: used by ${c.dependents.join(", ")}`);
  const unchanged = plan.changes.filter((c) => c.action === "unchanged" && c.kind !== "project").length;
  if (!plan.hasChanges) lines.push("  No changes: the registry matches the repo.");
  const counts = Object.entries(plan.summary)
    .filter(([a]) => a !== "unchanged")
    .map(([a, n]) => `${n} ${a.replaceAll("_", " ")}`);
  lines.push(`Summary: ${[...counts, `${unchanged} unchanged`].join(", ")}.`);
  for (const w of plan.warnings) lines.push(`warning: ${w}`);
  return lines.join("\n");
}
