import { previewFeatureViewVersion } from "@/lib/api/endpoints/preview";
import { handle } from "@/lib/api/handle";
import { previewViewVersion } from "@/lib/preview/preview-view-version";

export const GET = handle(previewFeatureViewVersion, async ({ principal, project, params, query, requestId }) => {
  const { body } = await previewViewVersion({
    principal,
    project,
    view: params.view,
    version: params.version,
    limit: query.limit,
    entity: query.entity,
    start: query.start ? new Date(query.start) : undefined,
    end: query.end ? new Date(query.end) : undefined,
  });
  return new Response(body, { status: 200, headers: { "content-type": "application/json; charset=utf-8", "x-request-id": requestId } });
});
