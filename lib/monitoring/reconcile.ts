// Evaluates every condition of a project and stores transitions (docs/monitoring.md): a condition
// whose `firing` changed gets a new `since` and one alert; one still firing past ALERT_REMINDER_MS
// since its last alert gets a reminder; one no longer observed (view archived, check gone) while
// firing resolves. Each change is a conditional update (where firing = the state read), so two
// reconcilers running at once cannot both alert on the same change.
import "server-only";
import { queueConditionAlerts, type Transition } from "../alerts/condition-alert";
import { env } from "../config/env";
import { db } from "../db/client";
import { CONDITION_KINDS, type Observed, type ProjectContext } from "./conditions";
import { EVALUATORS } from "./evaluators";
import { log } from "../config/log";

export interface ReconcileResult {
  observed: number;
  transitions: Transition[];
  alertsQueued: number;
}

export async function reconcileProject(project: { id: string; name: string }, now = new Date()): Promise<ReconcileResult> {
  const ctx: ProjectContext = { ...project, now };
  const observed: Observed[] = [];
  for (const kind of CONDITION_KINDS) observed.push(...(await EVALUATORS[kind](ctx)));
  const stored = await db().monitorCondition.findMany({ where: { projectId: project.id } });
  const byKey = new Map(stored.map((c) => [`${c.kind}|${c.subject}`, c]));
  const transitions: Transition[] = [];
  const reminderMs = env().ALERT_REMINDER_MS;
  const transition = (id: string, o: Pick<Observed, "kind" | "viewName" | "summary" | "href">, phase: Transition["phase"], since: Date): Transition => ({
    conditionId: id,
    projectId: project.id,
    projectName: project.name,
    viewName: o.viewName,
    kind: o.kind,
    phase,
    summary: o.summary,
    href: o.href,
    since,
  });
  const seen = new Set<string>();
  for (const o of observed) {
    const key = `${o.kind}|${o.subject}`;
    seen.add(key);
    const row = byKey.get(key);
    const data = { summary: o.summary, href: o.href, evidence: o.evidence as object, viewName: o.viewName };
    if (!row) {
      // Inserted by this call only (a concurrent reconciler's insert makes this one a no-op).
      const inserted = await db().monitorCondition.createMany({
        data: [{ projectId: project.id, kind: o.kind, subject: o.subject, firing: o.firing, since: now, lastNotifiedAt: o.firing ? now : null, ...data }],
        skipDuplicates: true,
      });
      if (inserted.count && o.firing) {
        const created = await db().monitorCondition.findUniqueOrThrow({ where: { projectId_kind_subject: { projectId: project.id, kind: o.kind, subject: o.subject } }, select: { id: true } });
        transitions.push(transition(created.id, o, "fired", now));
      }
      continue;
    }
    if (row.firing !== o.firing) {
      const won = await db().monitorCondition.updateMany({
        where: { id: row.id, firing: row.firing, since: row.since },
        data: { firing: o.firing, since: now, lastNotifiedAt: now, ...data },
      });
      if (won.count) transitions.push(transition(row.id, o, o.firing ? "fired" : "resolved", now));
      continue;
    }
    const due = o.firing && reminderMs > 0 && now.getTime() - (row.lastNotifiedAt ?? row.since).getTime() >= reminderMs;
    if (due) {
      const won = await db().monitorCondition.updateMany({ where: { id: row.id, lastNotifiedAt: row.lastNotifiedAt }, data: { lastNotifiedAt: now, ...data } });
      if (won.count) transitions.push(transition(row.id, o, "reminder", row.since));
    } else {
      await db().monitorCondition.update({ where: { id: row.id }, data });
    }
  }
  for (const row of stored) {
    if (seen.has(`${row.kind}|${row.subject}`) || !row.firing) continue;
    const won = await db().monitorCondition.updateMany({ where: { id: row.id, firing: true, since: row.since }, data: { firing: false, since: now, lastNotifiedAt: now, summary: `${row.summary} (no longer observed)` } });
    if (won.count) transitions.push(transition(row.id, { kind: row.kind as Observed["kind"], viewName: row.viewName, summary: `${row.summary} — no longer observed (view archived or check removed)`, href: row.href }, "resolved", now));
  }
  const alertsQueued = transitions.length ? await queueConditionAlerts(transitions) : 0;
  return { observed: observed.length, transitions, alertsQueued };
}

/** Every live project (the monitor tick). */
export async function reconcileAll(now = new Date()): Promise<ReconcileResult[]> {
  const projects = await db().project.findMany({ where: { archivedAt: null }, select: { id: true, name: true } });
  const out: ReconcileResult[] = [];
  for (const p of projects) {
    try {
      out.push(await reconcileProject(p, now));
    } catch (e) {
      log().error({ err: e, project: p.name }, "monitoring the project failed");
    }
  }
  return out;
}
