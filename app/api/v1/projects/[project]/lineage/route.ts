import { handle } from "@/lib/api/handle";
import { getProjectLineage } from "@/lib/api/endpoints/lineage";
import { getLineage } from "@/lib/lineage/get-lineage";
import { withLineageStates } from "@/lib/monitoring/view-states";

export const GET = handle(getProjectLineage, async ({ project, query }) => withLineageStates(project.name, await getLineage(project, query)));
