import { handle } from "@/lib/api/handle";
import { listModels } from "@/lib/api/endpoints/registry";
import { listModels as listModelsUseCase } from "@/lib/registry/list-models";

export const GET = handle(listModels, async ({ project, query }) => listModelsUseCase(project, query));
