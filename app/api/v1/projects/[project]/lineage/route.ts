import { handle } from "@/lib/api/handle";
import { getProjectLineage } from "@/lib/api/endpoints/lineage";
import { getLineage } from "@/lib/lineage/get-lineage";

export const GET = handle(getProjectLineage, async ({ project, query }) => getLineage(project, query));
