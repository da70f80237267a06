import { getOnlineFeaturesEndpoint } from "@/lib/api/endpoints/retrieval";
import { handle } from "@/lib/api/handle";
import { getOnlineFeatures } from "@/lib/online/get-online-features";

export const POST = handle(getOnlineFeaturesEndpoint, async ({ project, principal, body }) =>
  getOnlineFeatures({ project: project.name, principal, request: body }),
);
