import { createToken as createTokenEndpoint, listTokens as listTokensEndpoint } from "@/lib/api/endpoints/admin";
import { handle } from "@/lib/api/handle";
import { createToken } from "@/lib/admin/create-token";
import { listTokens } from "@/lib/admin/list-tokens";

export const GET = handle(listTokensEndpoint, async ({ project, query }) => listTokens(project.id, query));

export const POST = handle(createTokenEndpoint, async ({ project, body, principal }) => createToken(project, body, principal));
