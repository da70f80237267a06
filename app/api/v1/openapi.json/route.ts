import { handle, jsonResponse } from "@/lib/api/handle";
import { getOpenApi } from "@/lib/api/endpoints/meta";
import { openApiDocument } from "@/lib/api/openapi";

export const GET = handle(getOpenApi, async () => jsonResponse(openApiDocument(), 200, { "cache-control": "public, max-age=300" }));
