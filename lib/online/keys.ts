// Online store key layout (contract): one hash per project + entity key:
//   larder:ol:<project>:<k1>=<v1>,<k2>=<v2>   (join keys sorted by name, values encodeURIComponent(String(v)))
// fields `<view>@v<version>:<feature>` (JSON values), `<view>@v<version>:__ts` (event time of the
// row-level values, epoch ms) and `<view>@v<version>:__asof` (time the aggregates were computed as of).

export const ONLINE_KEY_PREFIX = "larder:ol:";

export function projectKeyPrefix(project: string): string {
  return `${ONLINE_KEY_PREFIX}${project}:`;
}

/** The entity key of one entity. `joinKeys` maps join key name → value (any order). */
export function entityKey(project: string, joinKeys: Record<string, unknown>): string {
  const names = Object.keys(joinKeys).sort();
  return projectKeyPrefix(project) + names.map((n) => `${n}=${encodeURIComponent(String(joinKeys[n]))}`).join(",");
}

/** Join key names in key order (sorted by name). */
export function sortedJoinKeyNames(names: readonly string[]): string[] {
  return [...names].sort();
}

export function featureField(view: string, version: number, feature: string): string {
  return `${view}@v${version}:${feature}`;
}

export function tsField(view: string, version: number): string {
  return `${view}@v${version}:__ts`;
}

export function asofField(view: string, version: number): string {
  return `${view}@v${version}:__asof`;
}
