// Registry "generations": counters in the online Redis that change whenever the registry of a project
// (apply) or the set of valid credentials (token revoke, membership change) changes. Read paths keep
// the registry and token lookups in process memory and check these counters in the same pipelined
// round trip as the feature read, so invalidation costs no extra round trip and no Postgres query.
import { registerApplyHook } from "../registry/apply-hooks";
import { createRedis } from "../redis/connection";

export const AUTH_GENERATION_KEY = "larder:gen:auth";

export function registryGenerationKey(project: string): string {
  return `larder:gen:registry:${project}`;
}

// Bumps are rare (apply, revoke): a short-lived connection keeps CLI processes from hanging on a
// shared one and works in processes that never read features.
async function bump(key: string): Promise<void> {
  const redis = createRedis("online", { maxRetriesPerRequest: 2 });
  try {
    await redis.incr(key);
  } finally {
    redis.disconnect();
  }
}

/** Call after apply (or anything else that changes a project's views, versions or services) commits. */
export async function bumpRegistryGeneration(project: string): Promise<void> {
  await bump(registryGenerationKey(project));
}

/** Call after a token is revoked, a membership or restricted grant changes, or a user is disabled. */
export async function bumpAuthGeneration(): Promise<void> {
  await bump(AUTH_GENERATION_KEY);
}

// Every process that applies definitions and imports this module bumps the project's generation
// after the apply commits. (Caches also refresh themselves after CATALOG_MAX_AGE_MS as a safety net.)
registerApplyHook("online-registry-cache", (event) => bumpRegistryGeneration(event.projectName));
