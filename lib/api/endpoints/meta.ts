import "server-only";
import { z } from "zod";
import { endpoint, type Endpoint } from "../endpoint";

export const getOpenApi = endpoint({
  id: "getOpenApi",
  method: "GET",
  path: "/api/v1/openapi.json",
  permission: "public",
  summary: "This API's OpenAPI 3.1 document, generated from the same zod schemas the routes use.",
  tags: ["meta"],
  response: z.record(z.string(), z.unknown()).meta({ description: "An OpenAPI 3.1 document." }),
});

export const metaEndpoints: Endpoint[] = [getOpenApi];
