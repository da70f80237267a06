// Audit log: every change to definitions or access (docs/access-control.md).
import "server-only";
import type { Prisma } from "../db/generated/client";
import type { Principal } from "../auth/principal";
import { principalLabel } from "../auth/principal";
import { db } from "../db/client";

type Tx = Pick<Prisma.TransactionClient, "auditLog">;

export interface AuditEntry {
  actor: Principal | { kind: "system"; label: string };
  projectId?: string | null;
  /** e.g. `apply`, `feature_view.metadata_update`, `membership.add`, `token.revoke` */
  action: string;
  targetType: string;
  targetName: string;
  details?: Record<string, unknown>;
}

export async function recordAudit(entry: AuditEntry, tx: Tx = db()): Promise<void> {
  const a = entry.actor;
  await tx.auditLog.create({
    data: {
      actorType: a.kind,
      actorId: a.kind === "user" || a.kind === "token" ? (a.kind === "user" ? a.userId : a.tokenId) : null,
      actorLabel: a.kind === "system" ? a.label : principalLabel(a),
      projectId: entry.projectId ?? null,
      action: entry.action,
      targetType: entry.targetType,
      targetName: entry.targetName,
      details: (entry.details ?? {}) as Prisma.InputJsonValue,
    },
  });
}
