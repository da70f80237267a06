import { listAuditLog as listAuditLogEndpoint } from "@/lib/api/endpoints/admin";
import { handle } from "@/lib/api/handle";
import { listAuditLog } from "@/lib/admin/list-audit-log";

export const GET = handle(listAuditLogEndpoint, async ({ project, query }) => listAuditLog(project.id, query));
