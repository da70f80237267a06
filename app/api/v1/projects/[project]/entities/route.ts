import { handle } from "@/lib/api/handle";
import { listEntities } from "@/lib/api/endpoints/registry";
import { listEntities as listEntitiesUseCase } from "@/lib/registry/list-entities";

export const GET = handle(listEntities, async ({ project, query }) => listEntitiesUseCase(project, query));
