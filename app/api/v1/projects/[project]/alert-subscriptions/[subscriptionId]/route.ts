import { deleteAlertSubscription as deleteEndpoint } from "@/lib/api/endpoints/admin";
import { handle } from "@/lib/api/handle";
import { unsubscribeAlerts } from "@/lib/admin/unsubscribe-alerts";
import { can } from "@/lib/auth/authorize";
import { authenticated } from "@/lib/auth/principal";

export const DELETE = handle(deleteEndpoint, async ({ project, params, principal }) => {
  const caller = authenticated(principal);
  await unsubscribeAlerts(project, params.subscriptionId, caller, can(caller, "alerts.manage", project));
});
