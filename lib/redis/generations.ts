// Registry "generations": counters in the online Redis that change whenever the registry of a project
// (apply, metadata and restriction edits) or the set of valid credentials (token revoke, membership
// or grant change, user disabled) changes. Read paths keep the registry and token lookups in process
// memory and check these counters (the online read in the same pipelined round trip as the feature
// read), so invalidation costs no extra round trip and no Postgres query. Bumped only by the one
// after-change step (lib/registry/after-registry-change.ts).
import "server-only";
import { createRedis } from "./connection";

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

export async function bumpRegistryGeneration(project: string): Promise<void> {
  await bump(registryGenerationKey(project));
}

export async function bumpAuthGeneration(): Promise<void> {
  await bump(AUTH_GENERATION_KEY);
}
