import { getOnlineFeaturesEndpoint } from "@/lib/api/endpoints/retrieval";
import { handle } from "@/lib/api/handle";
import { onlineReadJson } from "@/lib/api/online-fast-path";

// The inference hot path: tokens and the registry come from the in-process caches (no Postgres on a
// warm request) and the answer is the same bytes the feature server writes. Under `next start`,
// bearer-token reads are answered before Next routes them (lib/api/online-fast-path.ts, installed by
// instrumentation.ts) with the same steps; session-cookie reads (the console) come here.
export const POST = handle(
  getOnlineFeaturesEndpoint,
  async ({ project, principal, principalFromCache, body, request, requestId }) => {
    const json = await onlineReadJson(project, principal, principalFromCache, request.headers.get("authorization"), body);
    return new Response(json as unknown as BodyInit, {
      status: 200,
      headers: { "content-type": "application/json; charset=utf-8", "x-request-id": requestId },
    });
  },
  { cachedTokenAuth: true },
);
