import { handle } from "@/lib/api/handle";
import { getEntity } from "@/lib/api/endpoints/registry";
import { getEntity as getEntityUseCase } from "@/lib/registry/get-entity";

export const GET = handle(getEntity, async ({ project, params }) => getEntityUseCase(project, params.name));
