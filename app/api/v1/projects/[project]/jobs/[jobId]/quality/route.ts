import { handle } from "@/lib/api/handle";
import { getJobQuality } from "@/lib/api/endpoints/monitoring";
import { listJobQuality } from "@/lib/monitoring/monitoring-reads";

export const GET = handle(getJobQuality, async ({ principal, project, params }) => listJobQuality(principal, project, params.jobId));
