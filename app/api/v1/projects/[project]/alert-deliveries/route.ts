import { handle } from "@/lib/api/handle";
import { listAlertDeliveries as listEndpoint } from "@/lib/api/endpoints/monitoring";
import { listAlertDeliveries } from "@/lib/monitoring/alert-targets";

export const GET = handle(listEndpoint, async ({ project, query }) => listAlertDeliveries(project, { limit: query.limit, targetId: query.target }));
