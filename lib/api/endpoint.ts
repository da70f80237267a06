// An endpoint contract: method, path, the permission it requires, and the zod schemas of its input
// and output. Route files implement contracts with handle(); the OpenAPI document and the access
// matrix test are generated from the same list (lib/api/endpoints/index.ts).
import "server-only";
import type { z } from "zod";
import type { Permission, ProjectPermission } from "../auth/permissions";

export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

export interface Endpoint<
  P extends z.ZodType = z.ZodType,
  Q extends z.ZodType = z.ZodType,
  B extends z.ZodType = z.ZodType,
  R extends z.ZodType = z.ZodType,
> {
  /** Unique operation id, e.g. `listProjects`. */
  id: string;
  method: HttpMethod;
  /** Path under the server root in OpenAPI form: `/api/v1/projects/{project}/entities`. */
  path: string;
  /** Mandatory: there is no endpoint without a permission (`public` must be said out loud). */
  permission: Permission;
  /**
   * The un-scoped /api/v1/jobs/{jobId} paths (permission `authenticated`): the permission checked on
   * the job's own project before anything about the job is answered (job-routes.ts authorizeOnJob).
   */
  jobPermission?: ProjectPermission;
  summary: string;
  tags: string[];
  params?: P;
  query?: Q;
  /** JSON body schema. Use `.strict()` objects so unknown fields are rejected. */
  body?: B;
  /**
   * The use case validates the body by hand with the same rules and problems (the online read, a hot
   * path whose answer must not depend on zod's cost); `body` still documents it.
   */
  bodyCheckedByHandler?: boolean;
  /**
   * The body carries feature values and entity keys (push), which go byte-exact to Redis and
   * Parquet, not to Postgres text: the wrapper's storable-text check (lib/shared/pg-text.ts) is left
   * to the body's own schema, which applies it to the names it looks up.
   */
  bodyHoldsValues?: boolean;
  /** Non-JSON bodies (file uploads): the handler reads the request itself. */
  rawBody?: { contentTypes: string[]; maxBytes: number };
  /** The success body; handlers must return a value of this shape (or a Response they build). */
  response?: R;
  successStatus?: number;
  /** Error statuses beyond those the contract implies (e.g. a GET's 409/410), for the OpenAPI document. */
  errorStatuses?: number[];
  /** Largest JSON body in bytes; defaults to MAX_BODY_BYTES. */
  maxBodyBytes?: number;
}

export function endpoint<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType, R extends z.ZodType = z.ZodType>(
  e: Endpoint<P, Q, B, R>,
): Endpoint<P, Q, B, R> {
  return e;
}
