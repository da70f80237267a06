// The project's health (issue 16, "where people look"): failing jobs, stale views, failing rules,
// drifting features and skew, each linking to its evidence, plus every view's state
// (fresh/stale/failing). Evaluated now by the same evaluators the monitor runs (read-only: no
// alerts), with `since` from the stored conditions. Evidence of restricted views (it can hold
// values) is left out for principals not granted them.
import "server-only";
import { canReadRestrictedView, type ProjectRef } from "../auth/authorize";
import type { Principal } from "../auth/principal";
import { db } from "../db/client";
import { CONDITION_KINDS, hrefs, type Observed } from "./conditions";
import { EVALUATORS } from "./evaluators";
import type { HealthItem, HealthReport, ViewState } from "./health-schema";

/** Conditions of a project as observed now (no side effects). */
export async function observeProject(project: ProjectRef, now = new Date()): Promise<Observed[]> {
  const out: Observed[] = [];
  for (const kind of CONDITION_KINDS) out.push(...(await EVALUATORS[kind]({ ...project, now })));
  return out;
}

/** fresh/stale/failing per view from observed conditions (failing: its last job failed or a `fail` rule). */
export function viewStates(observed: Observed[], viewNames: string[]): Map<string, ViewState> {
  const states = new Map<string, ViewState>();
  for (const v of viewNames) {
    const mine = observed.filter((o) => o.viewName === v);
    const firing = (k: Observed["kind"]) => mine.some((o) => o.kind === k && o.firing);
    const ruleFail = mine.some((o) => o.kind === "rule_failed" && o.firing && ((o.evidence.results as { status: string }[]) ?? []).some((r) => r.status === "fail"));
    if (firing("job_failed") || ruleFail) states.set(v, "failing");
    else if (firing("stale")) states.set(v, "stale");
    else if (mine.some((o) => o.kind === "stale" || o.kind === "job_failed")) states.set(v, "fresh");
    else states.set(v, "unknown");
  }
  return states;
}

/** The state of each view of a project (search results and lineage nodes carry it). */
export async function projectViewStates(project: ProjectRef, now = new Date()): Promise<Map<string, ViewState>> {
  const names = (await db().featureView.findMany({ where: { projectId: project.id, archivedAt: null }, select: { name: true } })).map((v) => v.name);
  return viewStates(await observeProject(project, now), names);
}

export async function healthReport(principal: Principal, project: ProjectRef, now = new Date()): Promise<HealthReport> {
  const observed = await observeProject(project, now);
  const views = await db().featureView.findMany({ where: { projectId: project.id, archivedAt: null }, select: { name: true, restricted: true }, orderBy: { name: "asc" } });
  const restricted = new Set(views.filter((v) => v.restricted && !canReadRestrictedView(principal, project, v.name)).map((v) => v.name));
  const stored = await db().monitorCondition.findMany({ where: { projectId: project.id }, select: { kind: true, subject: true, firing: true, since: true } });
  const since = new Map(stored.map((c) => [`${c.kind}|${c.subject}`, c]));
  const item = (o: Observed): HealthItem => {
    const s = since.get(`${o.kind}|${o.subject}`);
    const feature = /\/feature:(.+)$/.exec(o.subject)?.[1] ?? null;
    const failing = o.kind === "job_failed" || o.kind === "skew" || (o.kind === "rule_failed" && ((o.evidence.results as { status: string }[]) ?? []).some((r) => r.status === "fail"));
    return {
      kind: o.kind,
      view: o.viewName,
      feature,
      summary: o.summary,
      href: o.href,
      since: (s && s.firing === o.firing ? s.since : now).toISOString(),
      severity: failing ? "failing" : "warning",
      evidence: o.viewName && restricted.has(o.viewName) ? null : o.evidence,
    };
  };
  const firing = observed.filter((o) => o.firing);
  const of = (k: Observed["kind"]) => firing.filter((o) => o.kind === k).map(item);
  const report: Omit<HealthReport, "status" | "counts" | "views"> = {
    project: project.name,
    generatedAt: now.toISOString(),
    failingJobs: of("job_failed"),
    staleViews: of("stale"),
    failingRules: of("rule_failed"),
    driftingFeatures: of("drift"),
    skew: of("skew"),
  };
  const states = viewStates(observed, views.map((v) => v.name));
  const all = [...report.failingJobs, ...report.staleViews, ...report.failingRules, ...report.driftingFeatures, ...report.skew];
  return {
    ...report,
    status: all.some((i) => i.severity === "failing") ? "failing" : all.length ? "warning" : "healthy",
    counts: {
      failingJobs: report.failingJobs.length,
      staleViews: report.staleViews.length,
      failingRules: report.failingRules.length,
      driftingFeatures: report.driftingFeatures.length,
      skew: report.skew.length,
    },
    views: views.map((v) => ({ name: v.name, state: states.get(v.name) ?? "unknown", href: hrefs.view(project.name, v.name) })),
  };
}
