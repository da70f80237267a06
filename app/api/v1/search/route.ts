import { handle } from "@/lib/api/handle";
import { searchCatalog } from "@/lib/api/endpoints/search";
import { searchCatalog as searchCatalogUseCase } from "@/lib/search/search-catalog";

export const GET = handle(searchCatalog, async ({ principal, query }) => searchCatalogUseCase(principal, query));
