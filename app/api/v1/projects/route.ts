// POST (create) is the admin area's; GET (list) belongs to the catalog area and is added here.
import { createProject as createProjectEndpoint } from "@/lib/api/endpoints/admin";
import { handle } from "@/lib/api/handle";
import { createProject } from "@/lib/admin/create-project";

export const POST = handle(createProjectEndpoint, async ({ body, principal }) => createProject(body, principal));
