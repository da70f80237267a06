// When each project was last active: its latest audited change (apply, metadata edit, access) or
// its latest job, whichever is newer. One query for any number of projects; both maxima are read
// from the (projectId, at) and (projectId, createdAt) indexes.
import "server-only";
import { db } from "../db/client";

export async function projectActivity(projectIds: string[]): Promise<Map<string, Date>> {
  const out = new Map<string, Date>();
  if (projectIds.length === 0) return out;
  const rows = await db().$queryRaw<Array<{ id: string; at: Date | null }>>`
    SELECT p.id, greatest(
      (SELECT max(a.at) FROM "AuditLog" a WHERE a."projectId" = p.id),
      (SELECT max(j."createdAt") FROM "Job" j WHERE j."projectId" = p.id)) AS at
    FROM "Project" p WHERE p.id = ANY(${projectIds})`;
  for (const r of rows) if (r.at) out.set(r.id, r.at);
  return out;
}
