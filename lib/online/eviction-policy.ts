// The online writes' clock bounds (write-script.ts, keys.ts `clockBoundsKey`) must never be evicted
// while entity hashes stay: an `allkeys-*` eviction policy could do exactly that, after which an
// older value could overwrite a newer one. Processes that write online values check the policy at
// start and log a warning naming the fix. Where CONFIG is not available (managed Redis services
// often rename it) there is nothing to check; docs/configuration.md states the requirement.
import "server-only";
import { isCluster, type OnlineRedis } from "../redis/connection";

/** A warning to log when the online Redis may evict the clock bounds; null when it cannot (or cannot be told). Never rejects. */
export async function evictionPolicyWarning(redis: OnlineRedis): Promise<string | null> {
  // A cluster's writes go without the bounds (write-script.ts): nothing to lose there.
  if (isCluster(redis)) return null;
  let policy: string | undefined;
  try {
    const reply = (await redis.config("GET", "maxmemory-policy")) as string[];
    policy = reply[1];
  } catch {
    return null;
  }
  if (!policy?.startsWith("allkeys-")) return null;
  return (
    `the online Redis may evict any key (maxmemory-policy ${policy}), including the clock bounds that let online ` +
    `writes skip the newer-wins read; if one is evicted while entity hashes stay, an older value can overwrite a ` +
    `newer one. Set maxmemory-policy to noeviction or a volatile-* policy (docs/configuration.md).`
  );
}
