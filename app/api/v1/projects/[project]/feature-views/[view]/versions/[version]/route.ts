import { handle } from "@/lib/api/handle";
import { getFeatureViewVersion } from "@/lib/api/endpoints/registry";
import { getFeatureViewVersion as getFeatureViewVersionUseCase } from "@/lib/registry/get-feature-view-version";

export const GET = handle(getFeatureViewVersion, async ({ project, params }) =>
  getFeatureViewVersionUseCase(project, params.view, params.version),
);
