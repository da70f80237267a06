import { handle } from "@/lib/api/handle";
import { deleteAlertTarget as deleteEndpoint } from "@/lib/api/endpoints/monitoring";
import { deleteAlertTarget } from "@/lib/monitoring/alert-targets";

export const DELETE = handle(deleteEndpoint, async ({ principal, project, params }) => {
  await deleteAlertTarget(principal, project, params.targetId);
});
