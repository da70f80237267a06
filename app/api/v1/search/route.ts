import { handle } from "@/lib/api/handle";
import { searchCatalog } from "@/lib/api/endpoints/search";
import { searchCatalog as searchCatalogUseCase } from "@/lib/search/search-catalog";
import { withSearchStates } from "@/lib/monitoring/view-states";

export const GET = handle(searchCatalog, async ({ principal, query }) => withSearchStates(await searchCatalogUseCase(principal, query)));
