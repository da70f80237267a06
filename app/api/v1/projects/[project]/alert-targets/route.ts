import { handle, jsonResponse } from "@/lib/api/handle";
import { createAlertTarget as createEndpoint, listAlertTargets as listEndpoint } from "@/lib/api/endpoints/monitoring";
import { createAlertTarget, listAlertTargets } from "@/lib/monitoring/alert-targets";

export const GET = handle(listEndpoint, async ({ project }) => listAlertTargets(project));

export const POST = handle(createEndpoint, async ({ principal, project, body, requestId }) =>
  jsonResponse(await createAlertTarget(principal, project, { ...body, viewName: body.view }), 201, { "x-request-id": requestId }),
);
