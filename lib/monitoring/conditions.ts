// Monitored conditions as data (docs/monitoring.md): each evaluator (one per kind, evaluators/)
// reports what it observes now for a project; reconcile.ts compares that with the stored
// MonitorCondition rows and records transitions, which is what alerts fire on.
import "server-only";
export const CONDITION_KINDS = ["job_failed", "stale", "rule_failed", "drift", "skew"] as const;
export type ConditionKind = (typeof CONDITION_KINDS)[number];

/** Alert events: a kind firing, its recovery, and the reminder while it keeps firing. */
export const ALERT_EVENTS = ["job_failed", "job_recovered", "stale", "rule_failed", "drift", "skew"] as const;
export type AlertEventName = (typeof ALERT_EVENTS)[number];

export interface Observed {
  kind: ConditionKind;
  /** Unique per project and kind: `view:<v>` or `view:<v>/feature:<f>`. */
  subject: string;
  viewName: string | null;
  firing: boolean;
  /** One line without feature values (alerts go to any address; restricted views must not leak). */
  summary: string;
  /** Console path of the evidence. */
  href: string;
  /** Details for the health report (may hold values: shown only to principals who may read the view). */
  evidence: Record<string, unknown>;
}

export interface ProjectContext {
  id: string;
  name: string;
  now: Date;
}

export type Evaluator = (p: ProjectContext) => Promise<Observed[]>;

/** The subscription event a kind's transition maps to ("recovered" only exists for jobs). */
export function eventOf(kind: ConditionKind): AlertEventName {
  return kind;
}

export const viewSubject = (view: string) => `view:${view}`;
export const featureSubject = (view: string, feature: string) => `view:${view}/feature:${feature}`;

const enc = encodeURIComponent;
export const hrefs = {
  job: (p: string, id: string) => `/projects/${enc(p)}/jobs/${enc(id)}`,
  view: (p: string, v: string) => `/projects/${enc(p)}/feature-views/${enc(v)}`,
  feature: (p: string, v: string, f: string) => `/projects/${enc(p)}/feature-views/${enc(v)}/features/${enc(f)}`,
};
