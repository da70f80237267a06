import { handle } from "@/lib/api/handle";
import { getNodeLineage } from "@/lib/api/endpoints/lineage";
import { getNodeLineage as getNodeLineageUseCase } from "@/lib/lineage/get-lineage";
import { withLineageStates } from "@/lib/monitoring/view-states";

// Node ids contain ":" and "@"; clients may send them percent-encoded.
function decoded(id: string): string {
  try {
    return id.includes("%") ? decodeURIComponent(id) : id;
  } catch {
    return id; // not valid percent-encoding: look it up as sent (→ 404 naming it)
  }
}

export const GET = handle(getNodeLineage, async ({ project, params, query }) =>
  withLineageStates(project.name, await getNodeLineageUseCase(project, decoded(params.nodeId), query)),
);
