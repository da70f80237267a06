// Online store key layout (contract): one hash per project + entity key:
//   larder:ol:<project>:<k1>=<v1>,<k2>=<v2>   (join keys sorted by name, values encodeURIComponent(String(v)))
// (join key values as their canonical key text, values.ts keyText: an int64's digits, a time's epoch
// µs), and four fields per feature view version (immutable, so its feature list and order are fixed):
//   `<view>@v<version>:__ts`    event time of the row-level values, epoch µs (decimal digits)
//   `<view>@v<version>:__row`   the row-level values: a JSON array in feature position order, each
//                               value spelled as values.ts says (exact int64, float form, …)
//   `<view>@v<version>:__asof`  time the window aggregates were computed as of, epoch µs
//   `<view>@v<version>:__agg`   the window aggregates: a JSON array in feature position order
// Packing a version's values into one field keeps a write at two fields per clock and a read at one
// field per view, whatever the number of features (Redis spends its time per field, not per byte).
//
// Beside the entity hashes, one hash per project holds each clock's upper bound (write-script.ts):
//   larder:olclk:<project>   fields `<view>@v<version>:__ts` / `:__asof` = the largest value that
//                            clock holds in ANY entity hash of the project (never lowered).
// Outside the `larder:ol:<project>:` prefix, so scans of a project's entities never meet it.
import "server-only";

export const ONLINE_KEY_PREFIX = "larder:ol:";

export function projectKeyPrefix(project: string): string {
  return `${ONLINE_KEY_PREFIX}${project}:`;
}

/** The project's clock bounds hash (see above). */
export function clockBoundsKey(project: string): string {
  return `larder:olclk:${project}`;
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

export function tsField(view: string, version: number): string {
  return `${view}@v${version}:__ts`;
}

export function rowField(view: string, version: number): string {
  return `${view}@v${version}:__row`;
}

export function asofField(view: string, version: number): string {
  return `${view}@v${version}:__asof`;
}

export function aggField(view: string, version: number): string {
  return `${view}@v${version}:__agg`;
}

/** Packs JSON-encoded values (each already valid JSON, `null` allowed) into one field value. */
export function packValues(jsonValues: readonly string[]): string {
  return `[${jsonValues.join(",")}]`;
}

/** The largest and smallest clock text a valid `__ts` / `__asof` holds (0001-01-01 … 9999-12-31, µs). */
export const MAX_CLOCK = 253402300799999999n;
export const MIN_CLOCK = -62135596800000000n;
const CLOCK = /^-?(?:0|[1-9][0-9]{0,17})$/;

/**
 * A stored clock (`__ts` / `__asof`) as epoch µs, or null when it is not one: not canonical digits,
 * or outside the representable range. Readers treat such an entity as absent instead of failing
 * (an earlier build stored epoch ms, and a bad write must never make every read of an entity fail).
 */
export function clockUs(text: string | null | undefined): bigint | null {
  if (text === null || text === undefined || !CLOCK.test(text)) return null;
  const v = BigInt(text);
  return v < MIN_CLOCK || v > MAX_CLOCK ? null : v;
}

/** Unpacks a `__row` / `__agg` field value; null when the field is absent. */
export function unpackValues(packed: string | null | undefined): unknown[] | null {
  return packed === null || packed === undefined ? null : (JSON.parse(packed) as unknown[]);
}
