// The data behind a restricted view is as restricted as its values: whoever may not read the view
// may not read its source's rows another way (docs/security.md, "Values: one rule on every path").
// Two ways existed: preview a source over the same files, or define an unrestricted view over them
// and materialize it. This module says which restricted views a source's rows feed: a source
// "overlaps" a restricted view's source when it can read the same rows — the same source, a file
// path or glob whose fixed part lies inside the other's (either way, symlinks resolved), or the
// same Postgres table (a query can read any table of its connection). Unsure means overlapping.
import "server-only";
import path from "node:path";
import type { Principal } from "../auth/principal";
import { canReadRestrictedView, type ProjectRef } from "../auth/authorize";
import { forbidden } from "../errors";
import { globPrefix, isWithin, physicalPath } from "./data-roots";
import type { RegistryState } from "./registry-state";
import { isRestricted, type RepoDef, type SourceDef } from "./repo-schema";
import type { PlanChange } from "./plan-schema";

export interface RestrictedSource {
  view: string;
  source: SourceDef;
}

const isFile = (s: SourceDef): s is Extract<SourceDef, { kind: "parquet" | "csv" }> => s.kind === "parquet" || s.kind === "csv";
const tableKey = (t: string) => t.replace(/"/g, "").toLowerCase();

/** Whether two sources of one project can read the same rows (conservative). */
export function sourcesOverlap(a: SourceDef, b: SourceDef): boolean {
  if (a.name === b.name) return true;
  if (isFile(a) && isFile(b)) {
    const pa = globPrefix(path.resolve(a.path));
    const pb = globPrefix(path.resolve(b.path));
    if (isWithin(pa, pb) || isWithin(pb, pa)) return true;
    const ra = physicalPath(pa);
    const rb = physicalPath(pb);
    return isWithin(ra, rb) || isWithin(rb, ra);
  }
  if (a.kind === "postgres" && b.kind === "postgres") {
    if (a.connection !== b.connection) return false;
    return !(a.table && b.table) || tableKey(a.table) === tableKey(b.table);
  }
  // Push sources keep their rows under their own name; kinds otherwise read different places.
  return false;
}

/**
 * Every restricted view with every source it reads or read: restricted views of the repo about to
 * be applied (if any) and of the registry, archived ones and old versions included (their rows
 * are still there).
 */
export function restrictedSources(state: RegistryState, repo?: RepoDef): RestrictedSource[] {
  const out: RestrictedSource[] = [];
  if (repo) {
    const sources = new Map(repo.sources.map((s) => [s.name, s]));
    for (const v of repo.feature_views) {
      const s = sources.get(v.source);
      if (isRestricted(v.tags) && s) out.push({ view: v.name, source: s });
    }
  }
  for (const v of state.views.values()) {
    if (!v.restricted) continue;
    for (const ver of v.versions.values()) {
      const snapshot = (ver.definition as { source?: SourceDef }).source;
      if (snapshot) out.push({ view: v.name, source: snapshot });
      const current = state.sources.get(ver.sourceName)?.definition as SourceDef | undefined;
      if (current) out.push({ view: v.name, source: current });
    }
  }
  return out;
}

/** Names of the restricted views whose rows `source` can read and the principal may not. */
export function unreadableRestrictedViews(principal: Principal, project: ProjectRef, source: SourceDef, restricted: RestrictedSource[]): string[] {
  const names = new Set<string>();
  for (const r of restricted) {
    if (!names.has(r.view) && !canReadRestrictedView(principal, project, r.view) && sourcesOverlap(source, r.source)) names.add(r.view);
  }
  return [...names].sort();
}

/**
 * Apply: an unrestricted view that is created, restored or given a new version reads its source's
 * rows into values anyone with features.read may read. Throws 403 when that source overlaps a
 * restricted view the actor may not read (a project admin, an instance admin or a member granted
 * those views may).
 */
export function assertMayExposeSources(actor: Principal | { kind: "system" }, project: ProjectRef, repo: RepoDef, state: RegistryState, changes: PlanChange[]): void {
  if (actor.kind === "system") return;
  const restricted = restrictedSources(state, repo);
  if (!restricted.length) return;
  const sources = new Map(repo.sources.map((s) => [s.name, s]));
  const problems: string[] = [];
  for (const c of changes) {
    if (c.kind !== "feature_view" || !(c.action === "create" || c.action === "restore" || (c.fromVersion != null && c.fromVersion !== c.toVersion))) continue;
    const v = repo.feature_views.find((x) => x.name === c.name);
    const s = v && sources.get(v.source);
    if (!v || !s || isRestricted(v.tags)) continue;
    const refused = unreadableRestrictedViews(actor, project, s, restricted);
    if (refused.length) problems.push(`feature view ${v.name} reads source ${s.name}, whose rows feed restricted feature view${refused.length === 1 ? "" : "s"} ${refused.join(", ")}`);
  }
  if (problems.length) {
    throw forbidden(
      `${problems.join("; ")}. An unrestricted view over a restricted view's data would publish its values: ask a project admin to apply it, to grant you ${problems.length === 1 ? "that view" : "those views"}, or tag the new view restricted (a project admin's change).`,
    );
  }
}
