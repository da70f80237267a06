import {
  createAlertSubscription as createEndpoint,
  listAlertSubscriptions as listEndpoint,
} from "@/lib/api/endpoints/admin";
import { handle, jsonResponse } from "@/lib/api/handle";
import { listAlertSubscriptions } from "@/lib/admin/list-alert-subscriptions";
import { subscribeAlerts } from "@/lib/admin/subscribe-alerts";
import { can } from "@/lib/auth/authorize";
import { authenticated } from "@/lib/auth/principal";

export const GET = handle(listEndpoint, async ({ project, query, principal }) => {
  const caller = authenticated(principal);
  const all = can(caller, "alerts.manage", project);
  return listAlertSubscriptions(project.id, query, all ? undefined : caller.userId);
});

export const POST = handle(createEndpoint, async ({ project, body, principal, requestId }) => {
  const caller = authenticated(principal);
  const r = await subscribeAlerts(project, body, caller, can(caller, "alerts.manage", project));
  return jsonResponse(r.subscription, r.created ? 201 : 200, { "x-request-id": requestId });
});
