// Alerts on monitored conditions (docs/monitoring.md): one per condition change (fired, resolved)
// plus reminders while a condition keeps firing, to the project's alert targets (any e-mail address
// or webhook an admin added) and, for non-job conditions, to users subscribed by e-mail (job
// failures and recoveries already reach them through notify-job-outcome.ts). Each delivery is an
// AlertDelivery row (the delivery log) with a dedupe key, sent by the `deliveries` queue.
import "server-only";
import { createHmac } from "node:crypto";
import { env } from "../config/env";
import { db } from "../db/client";
import { enqueueAlert, enqueueDelivery } from "../queues/contracts";

export const ALERT_EVENTS = ["job_failed", "job_recovered", "stale", "rule_failed", "drift", "skew"] as const;
export type AlertEventName = (typeof ALERT_EVENTS)[number];

export interface Transition {
  conditionId: string;
  projectId: string;
  projectName: string;
  viewName: string | null;
  /** The condition kind: job_failed | stale | rule_failed | drift | skew. */
  kind: string;
  phase: "fired" | "resolved" | "reminder";
  /** Value-free one-liner (alerts may go to any address). */
  summary: string;
  /** Console path of the evidence. */
  href: string;
  /** When the condition's current state began (fired/resolved) — part of the dedupe key. */
  since: Date;
}

/** The subscription event of a transition: a job condition's resolution is "job_recovered". */
export function alertEvent(t: Pick<Transition, "kind" | "phase">): AlertEventName {
  return t.kind === "job_failed" && t.phase === "resolved" ? "job_recovered" : (t.kind as AlertEventName);
}

export function composeConditionAlert(t: Transition): { subject: string; text: string; url: string } {
  const url = `${env().PUBLIC_URL.replace(/\/+$/, "")}${t.href}`;
  const where = t.viewName ? `${t.projectName}/${t.viewName}` : t.projectName;
  const label = { job_failed: "job failed", stale: "stale", rule_failed: "data-quality rules failing", drift: "drift", skew: "training/serving skew" }[t.kind] ?? t.kind;
  const head =
    t.phase === "resolved"
      ? t.kind === "job_failed"
        ? "RECOVERED: job succeeded"
        : `RESOLVED: ${label}`
      : t.phase === "reminder"
        ? `STILL FIRING: ${label}`
        : label.toUpperCase();
  const subject = `[Larder] ${where}: ${head}`;
  const text = [
    `${head} — ${where}`,
    "",
    t.summary,
    t.phase === "reminder" ? `Firing since ${t.since.toISOString()}.` : `Since ${t.since.toISOString()}.`,
    "",
    `Evidence: ${url}`,
    "",
    "You get this because an admin of this project subscribed this address to Larder alerts.",
  ].join("\n");
  return { subject, text, url };
}

/** The Slack-compatible JSON body of a webhook (Slack reads `text`; the rest is for machines). */
export function webhookBody(t: Transition): Record<string, unknown> {
  const m = composeConditionAlert(t);
  return {
    text: `${m.subject.replace(/^\[Larder\] /, "")}\n${t.summary}\n<${m.url}|Evidence>`,
    larder: { event: alertEvent(t), phase: t.phase, kind: t.kind, project: t.projectName, view: t.viewName, summary: t.summary, url: m.url, since: t.since.toISOString() },
  };
}

/** `X-Larder-Signature: sha256=<hex>` over `<timestamp>.<body>` with the target's secret. */
export function signWebhook(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex")}`;
}

/** Records and queues the alerts of some transitions; returns the deliveries queued. */
export async function queueConditionAlerts(transitions: Transition[]): Promise<number> {
  let queued = 0;
  for (const t of transitions) {
    const event = alertEvent(t);
    const stamp = `${t.conditionId}:${t.phase}:${t.phase === "reminder" ? Date.now() : t.since.toISOString()}`;
    const targets = await db().alertTarget.findMany({ where: { projectId: t.projectId, OR: [{ viewName: null }, ...(t.viewName ? [{ viewName: t.viewName }] : [])] } });
    const mail = composeConditionAlert(t);
    for (const target of targets) {
      if (target.events.length && !target.events.includes(event)) continue;
      const payload = target.channel === "webhook" ? webhookBody(t) : { to: target.address, subject: mail.subject, text: mail.text };
      const row = await db().alertDelivery.upsert({
        where: { dedupeKey: `${stamp}:${target.id}` },
        create: { targetId: target.id, dedupeKey: `${stamp}:${target.id}`, event: `${event}${t.phase === "fired" ? "" : `:${t.phase}`}`, subject: mail.subject, payload: payload as object },
        update: {},
      });
      if (row.status === "pending") {
        await enqueueDelivery({ deliveryId: row.id });
        queued++;
      }
    }
    // Users subscribed by e-mail (AlertSubscription) get the non-job conditions here.
    if (t.kind !== "job_failed") {
      const subs = await db().alertSubscription.findMany({
        where: { projectId: t.projectId, user: { disabledAt: null }, OR: [{ featureViewId: null }, ...(t.viewName ? [{ featureView: { name: t.viewName } }] : [])] },
        include: { user: { select: { id: true, email: true } } },
      });
      for (const s of subs) {
        const key = `${stamp}:user:${s.user.id}`;
        const row = await db().mailOutbox.upsert({ where: { dedupeKey: key }, create: { dedupeKey: key, to: s.user.email, subject: mail.subject, text: mail.text }, update: {} });
        if (row.status === "pending") {
          await enqueueAlert({ outboxId: row.id });
          queued++;
        }
      }
    }
  }
  return queued;
}
