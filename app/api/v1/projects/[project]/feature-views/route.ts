import { handle } from "@/lib/api/handle";
import { listFeatureViews } from "@/lib/api/endpoints/registry";
import { listFeatureViews as listFeatureViewsUseCase } from "@/lib/registry/list-feature-views";

export const GET = handle(listFeatureViews, async ({ project, query }) => listFeatureViewsUseCase(project, query));
