// Every /api/v1 endpoint, in one list: the source of the OpenAPI document and of the access matrix.
import "server-only";
import type { Endpoint } from "../endpoint";
import { authEndpoints } from "./auth";
import { registryEndpoints } from "./registry";
import { registryWriteEndpoints } from "./registry-write";
import { adminEndpoints } from "./admin";
import { retrievalEndpoints } from "./retrieval";
import { jobsEndpoints } from "./jobs";
import { searchEndpoints } from "./search";
import { lineageEndpoints } from "./lineage";
import { metaEndpoints } from "./meta";
import { statsEndpoints } from "./stats";
import { monitoringEndpoints } from "./monitoring";
import { previewEndpoints } from "./preview";

export const ALL_ENDPOINTS: Endpoint[] = [...authEndpoints, ...registryEndpoints, ...registryWriteEndpoints, ...adminEndpoints, ...retrievalEndpoints, ...jobsEndpoints, ...searchEndpoints, ...lineageEndpoints, ...metaEndpoints, ...statsEndpoints, ...previewEndpoints, ...monitoringEndpoints];
