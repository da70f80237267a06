import { handle } from "@/lib/api/handle";
import { getSource } from "@/lib/api/endpoints/registry";
import { getSource as getSourceUseCase } from "@/lib/registry/get-source";

export const GET = handle(getSource, async ({ project, params }) => getSourceUseCase(project, params.name));
