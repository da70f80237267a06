import { handle } from "@/lib/api/handle";
import { getModel } from "@/lib/api/endpoints/registry";
import { getModel as getModelUseCase } from "@/lib/registry/get-model";

export const GET = handle(getModel, async ({ project, params }) => getModelUseCase(project, params.name));
