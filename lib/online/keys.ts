// Online store keys (contract): one Redis hash per project + entity key,
// `larder:ol:<project>:<k1>=<v1>,<k2>=<v2>` with the view's join keys sorted by name and each value
// `encodeURIComponent(String(value))`; fields `<view>@v<version>:<feature>`, `…:__ts`, `…:__asof`.

export const ONLINE_KEY_PREFIX = "larder:ol:";

/** Join key names sorted as the key layout wants them. */
export function sortedJoinKeyNames(joinKeys: readonly { name: string }[] | readonly string[]): string[] {
  return joinKeys.map((k) => (typeof k === "string" ? k : k.name)).sort();
}

/** The hash key of one entity: `values` maps each join key name to its value. */
export function onlineEntityKey(project: string, values: Record<string, unknown>): string {
  const names = Object.keys(values).sort();
  let key = `${ONLINE_KEY_PREFIX}${project}:`;
  for (let i = 0; i < names.length; i++) {
    if (i > 0) key += ",";
    key += `${names[i]}=${encodeURIComponent(String(values[names[i]]))}`;
  }
  return key;
}

/** Field of one feature of a view version. */
export function onlineFeatureField(view: string, version: number, feature: string): string {
  return `${view}@v${version}:${feature}`;
}

/** Field holding the event time (epoch ms) of a view version's row-level values. */
export function onlineTsField(view: string, version: number): string {
  return `${view}@v${version}:__ts`;
}

/** Field holding the time (epoch ms) a view version's window aggregates were computed as of. */
export function onlineAsOfField(view: string, version: number): string {
  return `${view}@v${version}:__asof`;
}
