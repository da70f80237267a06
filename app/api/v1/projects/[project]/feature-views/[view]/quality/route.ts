import { handle } from "@/lib/api/handle";
import { getViewQuality } from "@/lib/api/endpoints/monitoring";
import { listViewQuality } from "@/lib/monitoring/monitoring-reads";

export const GET = handle(getViewQuality, async ({ principal, project, params }) => listViewQuality(principal, project, params.view));
