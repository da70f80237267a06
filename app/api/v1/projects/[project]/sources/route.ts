import { handle } from "@/lib/api/handle";
import { listSources } from "@/lib/api/endpoints/registry";
import { listSources as listSourcesUseCase } from "@/lib/registry/list-sources";

export const GET = handle(listSources, async ({ project, query }) => listSourcesUseCase(project, query));
