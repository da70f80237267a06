// The OpenAPI 3.1 document, generated from ALL_ENDPOINTS: the same zod schemas the routes parse
// their input with and describe their output with. Served at GET /api/v1/openapi.json.
import "server-only";
import { z } from "zod";
import { createDocument, type ZodOpenApiOperationObject, type ZodOpenApiPathsObject, type ZodOpenApiResponseObject } from "zod-openapi";
import { isProjectPermission, PROJECT_PERMISSIONS } from "../auth/permissions";
import type { Endpoint } from "./endpoint";
import { ALL_ENDPOINTS } from "./endpoints";

export const Problem = z
  .object({
    type: z.string().meta({ example: "https://larder.dev/problems/not_found" }),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().meta({ description: "What went wrong and what to fix." }),
    code: z.string().meta({ example: "not_found" }),
    requestId: z.string(),
    invalid_params: z
      .array(
        z.object({
          name: z.string().meta({ description: "Dotted path of the offending field." }),
          reason: z.string(),
          file: z.string().optional(),
          object: z.string().optional(),
        }),
      )
      .optional(),
  })
  .meta({ id: "Problem", description: "application/problem+json (RFC 9457)." });

const ERROR_DESCRIPTIONS: Record<string, string> = {
  "400": "Bad input (malformed JSON, wrong types, unknown fields); `invalid_params` names each field.",
  "401": "No valid session cookie or bearer token.",
  "403": "The caller lacks the permission.",
  "404": "Something named in the path does not exist; the detail says what.",
  "409": "Conflicts with the current state (e.g. dependents exist).",
  "410": "Existed once and was deleted for good (e.g. an expired job result); the detail says what to do instead.",
  "413": "The body is larger than the limit.",
  "415": "The body is not JSON.",
  "422": "Well-formed input that fails validation.",
  "429": "Too many attempts; retry after the `Retry-After` header's seconds (also `retryAfter` in the problem).",
  "503": "A store the request needs (PostgreSQL or Redis) is unreachable; retry after the `Retry-After` header's seconds.",
};

function errorStatuses(ep: Endpoint): string[] {
  const s = new Set<string>();
  const hasInput = ep.params || ep.query || ep.body || ep.rawBody;
  if (hasInput) s.add("400");
  if (ep.permission !== "public") s.add("401");
  if (ep.permission !== "public" && ep.permission !== "authenticated") s.add("403");
  if (ep.path.includes("{")) s.add("404");
  if (ep.method !== "GET") s.add("409");
  if (ep.body || ep.rawBody) ["413", "415", "422"].forEach((x) => s.add(x));
  for (const x of ep.errorStatuses ?? []) s.add(String(x));
  // Every endpoint reads the registry (or Redis): any may meet a store outage.
  s.add("503");
  return [...s].sort();
}

function permissionText(ep: Endpoint): string {
  if (ep.permission === "public") return "Public: no credentials needed.";
  if (ep.jobPermission) {
    return `Permission \`${ep.jobPermission}\` (role ${PROJECT_PERMISSIONS[ep.jobPermission]} or higher) in the job's project; a job the caller cannot read is a 404.`;
  }
  if (ep.permission === "authenticated") return "Any signed-in user or valid API token.";
  if (ep.permission === "instance.admin") return "Instance administrators only.";
  if (isProjectPermission(ep.permission)) {
    return `Permission \`${ep.permission}\`: role ${PROJECT_PERMISSIONS[ep.permission]} or higher in the project.`;
  }
  return `Permission \`${ep.permission}\`.`;
}

function operation(ep: Endpoint): ZodOpenApiOperationObject {
  const success = String(ep.successStatus ?? 200);
  const responses: Record<string, ZodOpenApiResponseObject> = {
    [success]:
      success === "204"
        ? { description: "Done; no content." }
        : {
            description: "Success.",
            content: { "application/json": { schema: ep.response ?? z.unknown() } },
          },
  };
  for (const status of errorStatuses(ep)) {
    responses[status] = {
      description: ERROR_DESCRIPTIONS[status],
      content: { "application/problem+json": { schema: Problem } },
    };
  }
  const op: ZodOpenApiOperationObject = {
    operationId: ep.id,
    summary: ep.summary,
    description: permissionText(ep),
    tags: ep.tags,
    security: ep.permission === "public" ? [] : [{ bearerAuth: [] }, { cookieAuth: [] }],
    responses,
    "x-larder-permission": ep.permission,
    ...(ep.jobPermission ? { "x-larder-job-permission": ep.jobPermission } : {}),
  } as ZodOpenApiOperationObject;
  const requestParams: NonNullable<ZodOpenApiOperationObject["requestParams"]> = {};
  if (ep.params) requestParams.path = ep.params as never;
  if (ep.query) requestParams.query = ep.query as never;
  if (ep.params || ep.query) op.requestParams = requestParams;
  if (ep.body) {
    op.requestBody = { required: true, content: { "application/json": { schema: ep.body } } };
  } else if (ep.rawBody) {
    op.requestBody = {
      required: true,
      description: `At most ${ep.rawBody.maxBytes} bytes.`,
      content: Object.fromEntries(ep.rawBody.contentTypes.map((t) => [t, { schema: z.string().meta({ format: "binary" }) }])),
    };
  }
  return op;
}

export function buildOpenApiDocument(endpoints: Endpoint[] = ALL_ENDPOINTS, opts: { serverUrl?: string } = {}) {
  const paths: ZodOpenApiPathsObject = {};
  for (const ep of endpoints) {
    const item = (paths[ep.path] ??= {});
    (item as Record<string, ZodOpenApiOperationObject>)[ep.method.toLowerCase()] = operation(ep);
  }
  return createDocument({
    openapi: "3.1.0",
    info: {
      title: "Larder API",
      version: "1",
      description:
        "REST API of the Larder feature store. Errors are application/problem+json. Authenticate with a bearer API token " +
        "(`Authorization: Bearer ldr_…`) or the console session cookie.",
    },
    ...(opts.serverUrl ? { servers: [{ url: opts.serverUrl }] } : {}),
    tags: [...new Set(endpoints.flatMap((e) => e.tags))].sort().map((name) => ({ name })),
    paths,
    components: {
      securitySchemes: {
        bearerAuth: { type: "http", scheme: "bearer", description: "An API token: ldr_…" },
        cookieAuth: { type: "apiKey", in: "cookie", name: "larder_session" },
      },
    },
  });
}

let cached: ReturnType<typeof buildOpenApiDocument> | undefined;

/** The document is a pure function of the code, so it is built once per process. */
export function openApiDocument() {
  cached ??= buildOpenApiDocument();
  return cached;
}
