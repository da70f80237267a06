// Every /api/v1 endpoint, in one list: the source of the OpenAPI document and of the access matrix.
import type { Endpoint } from "../endpoint";
import { authEndpoints } from "./auth";
import { registryEndpoints } from "./registry";
import { adminEndpoints } from "./admin";

export const ALL_ENDPOINTS: Endpoint[] = [...authEndpoints, ...registryEndpoints, ...adminEndpoints];
