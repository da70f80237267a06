import { handle } from "@/lib/api/handle";
import { getProject } from "@/lib/api/endpoints/registry";
import { getProject as getProjectUseCase } from "@/lib/registry/get-project";

export const GET = handle(getProject, async ({ principal, project }) => getProjectUseCase(principal, project.id));
