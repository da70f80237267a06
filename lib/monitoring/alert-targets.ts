// Alert targets of a project (admins, permission alerts.manage): any e-mail address, or a webhook
// URL with an optional HMAC secret, for the whole project or one view, for some or all events;
// and the delivery log. Every change is audited.
import "server-only";
import type { ProjectRef } from "../auth/authorize";
import { principalLabel, type Principal } from "../auth/principal";
import { recordAudit } from "../audit/record";
import { db } from "../db/client";
import { badRequest, notFound } from "../errors";
import type { AlertDeliveryOut, AlertTargetOut } from "./monitoring-schema";

type TargetRow = { id: string; viewName: string | null; channel: string; address: string; secret: string | null; events: string[]; createdBy: string; createdAt: Date };

const targetOut = (t: TargetRow): AlertTargetOut => ({
  id: t.id,
  viewName: t.viewName,
  channel: t.channel as AlertTargetOut["channel"],
  address: t.address,
  signed: !!t.secret,
  events: t.events as AlertTargetOut["events"],
  createdBy: t.createdBy,
  createdAt: t.createdAt.toISOString(),
});

export async function listAlertTargets(project: ProjectRef): Promise<{ items: AlertTargetOut[] }> {
  const rows = await db().alertTarget.findMany({ where: { projectId: project.id }, orderBy: { createdAt: "asc" } });
  return { items: rows.map(targetOut) };
}

export interface CreateAlertTargetInput {
  channel: "email" | "webhook";
  address: string;
  viewName?: string;
  secret?: string;
  events: string[];
}

export async function createAlertTarget(principal: Principal, project: ProjectRef, input: CreateAlertTargetInput): Promise<AlertTargetOut> {
  if (input.viewName) {
    const v = await db().featureView.findUnique({ where: { projectId_name: { projectId: project.id, name: input.viewName } }, select: { id: true } });
    if (!v) throw notFound(`Feature view "${input.viewName}" does not exist in project "${project.name}".`);
  }
  if (input.channel === "email" && input.secret) throw badRequest("secret applies to webhooks only; leave it out for an e-mail target.");
  const row = await db().$transaction(async (tx) => {
    const t = await tx.alertTarget.create({
      data: { projectId: project.id, channel: input.channel, address: input.address, viewName: input.viewName ?? null, secret: input.secret ?? null, events: [...new Set(input.events)], createdBy: principalLabel(principal) },
    });
    await recordAudit({ actor: principal, projectId: project.id, action: "alert_target.create", targetType: "alert_target", targetName: t.id, details: { channel: t.channel, address: t.address, view: t.viewName, events: t.events } }, tx);
    return t;
  });
  return targetOut(row);
}

export async function deleteAlertTarget(principal: Principal, project: ProjectRef, targetId: string): Promise<void> {
  await db().$transaction(async (tx) => {
    const t = await tx.alertTarget.findFirst({ where: { id: targetId, projectId: project.id } });
    if (!t) throw notFound(`Alert target "${targetId}" does not exist in project "${project.name}".`);
    await tx.alertTarget.delete({ where: { id: t.id } });
    await recordAudit({ actor: principal, projectId: project.id, action: "alert_target.delete", targetType: "alert_target", targetName: t.id, details: { channel: t.channel, address: t.address } }, tx);
  });
}

/** The delivery log, newest first. */
export async function listAlertDeliveries(project: ProjectRef, opts: { limit: number; targetId?: string }): Promise<{ items: AlertDeliveryOut[] }> {
  const rows = await db().alertDelivery.findMany({
    where: { target: { projectId: project.id }, ...(opts.targetId ? { targetId: opts.targetId } : {}) },
    include: { target: { select: { channel: true, address: true } } },
    orderBy: { createdAt: "desc" },
    take: opts.limit,
  });
  return {
    items: rows.map((d) => ({
      id: d.id,
      targetId: d.targetId,
      channel: d.target.channel,
      address: d.target.address,
      event: d.event,
      subject: d.subject,
      status: d.status as AlertDeliveryOut["status"],
      attempts: d.attempts,
      responseStatus: d.responseStatus,
      lastError: d.lastError,
      createdAt: d.createdAt.toISOString(),
      sentAt: d.sentAt?.toISOString() ?? null,
    })),
  };
}
