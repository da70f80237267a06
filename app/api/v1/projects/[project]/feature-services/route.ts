import { handle } from "@/lib/api/handle";
import { listFeatureServices } from "@/lib/api/endpoints/registry";
import { listFeatureServices as listFeatureServicesUseCase } from "@/lib/registry/list-feature-services";

export const GET = handle(listFeatureServices, async ({ project, query }) => listFeatureServicesUseCase(project, query));
