import "server-only";
import type { Prisma } from "../db/generated/client";
import { page, type Page } from "../shared/paging";
import { db } from "../db/client";

export interface AuditEntryView {
  id: number;
  at: string;
  actorType: string;
  actorLabel: string;
  action: string;
  targetType: string;
  targetName: string;
  details: Record<string, unknown>;
}

/** The project's audit log, newest first. `action` matches exactly, or as a prefix when it ends in ".". */
export async function listAuditLog(projectId: string, q: { limit: number; offset: number; action?: string }): Promise<Page<AuditEntryView>> {
  const where: Prisma.AuditLogWhereInput = {
    projectId,
    ...(q.action ? { action: q.action.endsWith(".") ? { startsWith: q.action } : q.action } : {}),
  };
  const p = await page(
    q,
    () => db().auditLog.count({ where }),
    (pg) => db().auditLog.findMany({ where, orderBy: [{ at: "desc" }, { id: "desc" }], ...pg }),
  );
  return {
    ...p,
    items: p.items.map((r) => ({
      id: Number(r.id),
      at: r.at.toISOString(),
      actorType: r.actorType,
      actorLabel: r.actorLabel,
      action: r.action,
      targetType: r.targetType,
      targetName: r.targetName,
      details: r.details && typeof r.details === "object" && !Array.isArray(r.details) ? (r.details as Record<string, unknown>) : {},
    })),
  };
}
