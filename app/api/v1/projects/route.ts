// POST (create) is the admin area's; GET (list) belongs to the catalog area.
import { createProject as createProjectEndpoint } from "@/lib/api/endpoints/admin";
import { listProjects as listProjectsEndpoint } from "@/lib/api/endpoints/registry";
import { handle } from "@/lib/api/handle";
import { createProject } from "@/lib/admin/create-project";
import { listProjects } from "@/lib/registry/list-projects";

export const POST = handle(createProjectEndpoint, async ({ body, principal }) => createProject(body, principal));
export const GET = handle(listProjectsEndpoint, async ({ principal, query }) => listProjects(principal, query));
