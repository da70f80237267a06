import { revokeToken as revokeTokenEndpoint } from "@/lib/api/endpoints/admin";
import { handle } from "@/lib/api/handle";
import { revokeToken } from "@/lib/admin/revoke-token";

export const DELETE = handle(revokeTokenEndpoint, async ({ project, params, principal }) => revokeToken(project, params.tokenId, principal));
