import { updateUser as updateUserEndpoint } from "@/lib/api/endpoints/admin";
import { handle } from "@/lib/api/handle";
import { updateUser } from "@/lib/admin/update-user";

export const PATCH = handle(updateUserEndpoint, async ({ params, body, principal }) => updateUser(params.userId, body, principal));
