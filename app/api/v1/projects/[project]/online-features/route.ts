import { getOnlineFeaturesEndpoint } from "@/lib/api/endpoints/retrieval";
import { handle } from "@/lib/api/handle";
import { authorize } from "@/lib/auth/authorize";
import { principalFromHeaders } from "@/lib/auth/resolve-principal";
import { getOnlineFeaturesJson, readWithFreshCredentialsOnStale } from "@/lib/online/get-online-features";

// The inference hot path: tokens and the registry come from the in-process caches (no Postgres on a
// warm request) and the answer is the same bytes the feature server writes.
export const POST = handle(
  getOnlineFeaturesEndpoint,
  async ({ project, principal, principalFromCache, body, request, requestId }) => {
    const json = await readWithFreshCredentialsOnStale(
      { principal, fromCache: principalFromCache },
      async () => {
        // The cached token was revoked or its grants changed: resolve it from the registry again.
        const fresh = await principalFromHeaders(request.headers);
        authorize(fresh, getOnlineFeaturesEndpoint.permission, project);
        return fresh;
      },
      (p, verifyAuthGeneration) => getOnlineFeaturesJson({ project: project.name, principal: p, request: body, verifyAuthGeneration }),
    );
    return new Response(json as unknown as BodyInit, {
      status: 200,
      headers: { "content-type": "application/json; charset=utf-8", "x-request-id": requestId },
    });
  },
  { cachedTokenAuth: true },
);
