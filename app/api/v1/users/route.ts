import { createUser as createUserEndpoint, listUsers as listUsersEndpoint } from "@/lib/api/endpoints/admin";
import { handle } from "@/lib/api/handle";
import { createUser } from "@/lib/admin/create-user";
import { listUsers } from "@/lib/admin/list-users";

export const GET = handle(listUsersEndpoint, async ({ query }) => listUsers(query));

export const POST = handle(createUserEndpoint, async ({ body, principal }) => createUser(body, principal));
