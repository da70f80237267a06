import { previewSourceEndpoint } from "@/lib/api/endpoints/preview";
import { handle } from "@/lib/api/handle";
import { previewSource } from "@/lib/preview/preview-source";

export const GET = handle(previewSourceEndpoint, async ({ principal, project, params, query, requestId }) => {
  const { body } = await previewSource({ principal, project, source: params.name, limit: query.limit });
  return new Response(body, { status: 200, headers: { "content-type": "application/json; charset=utf-8", "x-request-id": requestId } });
});
