import { handle } from "@/lib/api/handle";
import { getHealthReport } from "@/lib/api/endpoints/monitoring";
import { healthReport } from "@/lib/monitoring/health-report";

export const GET = handle(getHealthReport, async ({ principal, project }) => healthReport(principal, project));
