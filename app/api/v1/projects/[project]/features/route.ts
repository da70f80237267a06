import { handle } from "@/lib/api/handle";
import { listFeatures } from "@/lib/api/endpoints/registry";
import { listFeatures as listFeaturesUseCase } from "@/lib/registry/list-features";

export const GET = handle(listFeatures, async ({ project, query }) => listFeaturesUseCase(project, query));
