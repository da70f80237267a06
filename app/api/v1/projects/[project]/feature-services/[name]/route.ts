import { handle } from "@/lib/api/handle";
import { getFeatureService } from "@/lib/api/endpoints/registry";
import { getFeatureService as getFeatureServiceUseCase } from "@/lib/registry/get-feature-service";

export const GET = handle(getFeatureService, async ({ project, params }) => getFeatureServiceUseCase(project, params.name));
