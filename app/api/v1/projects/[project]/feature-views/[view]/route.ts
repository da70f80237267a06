import { handle } from "@/lib/api/handle";
import { getFeatureView } from "@/lib/api/endpoints/registry";
import { getFeatureView as getFeatureViewUseCase } from "@/lib/registry/get-feature-view";
import { updateFeatureViewEndpoint } from "@/lib/api/endpoints/registry-write";
import { updateViewMetadata } from "@/lib/registry/update-view-metadata";

export const GET = handle(getFeatureView, async ({ project, params }) => getFeatureViewUseCase(project, params.view));

export const PATCH = handle(updateFeatureViewEndpoint, async ({ project, params, body, principal }) =>
  updateViewMetadata({ project, view: params.view, patch: body, actor: principal }),
);
