import { handle } from "@/lib/api/handle";
import { getVersionDrift } from "@/lib/api/endpoints/monitoring";
import { listDrift } from "@/lib/monitoring/monitoring-reads";

export const GET = handle(getVersionDrift, async ({ principal, project, params, query }) => listDrift(principal, project, params.view, params.version, query));
