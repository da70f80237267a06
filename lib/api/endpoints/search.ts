import "server-only";
import { endpoint, type Endpoint } from "../endpoint";
import { SearchQuery, SearchResult } from "../../search/search-schema";

export const searchCatalog = endpoint({
  id: "searchCatalog",
  method: "GET",
  path: "/api/v1/search",
  permission: "authenticated",
  summary:
    "Search the catalog of every project the caller can see: full-text plus typo-tolerant name matching, ranked (exact name > prefix > fuzzy name > text), with facets.",
  tags: ["search"],
  query: SearchQuery,
  response: SearchResult,
});

export const searchEndpoints: Endpoint[] = [searchCatalog];
