// Input generation for the API fuzzer (lib/api/fuzz.int.test.ts): a seeded PRNG, the families of
// hostile values (odd bytes, huge numbers, wrong types, NUL, surrogates, deep nesting, long strings,
// unrepresentable times), and a JSON-Schema walker that builds a plausible value for an OpenAPI
// schema so that one mutated field reaches the validation of the others.

/** The seeded PRNG (mulberry32) the other generated tests use: the same seed, the same inputs. */
export { seededRandom as prng } from "./oracle";

export type Rng = () => number;
export const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)];

/** A JSON literal written as is (numbers JSON.stringify cannot spell: 1e999, 2^64, -0). */
export class Raw {
  constructor(readonly text: string) {}
}

/** JSON text of a value that may hold Raw literals. */
export function toJson(v: unknown): string {
  if (v instanceof Raw) return v.text;
  if (Array.isArray(v)) return `[${v.map(toJson).join(",")}]`;
  if (v !== null && typeof v === "object") return `{${Object.entries(v).map(([k, x]) => `${JSON.stringify(k)}:${toJson(x)}`).join(",")}}`;
  return JSON.stringify(v) ?? "null";
}

const nest = (n: number, open: string, close: string, inner = "1") => open.repeat(n) + inner + close.repeat(n);

/** Strings a path segment can carry (what Next hands a route after decoding, or as sent when it cannot decode). */
export const NASTY_SEGMENTS = [
  "\u0000",
  "a\u0000b",
  "%00",
  "%ff%fe",
  "%ed%a0%80",
  "..",
  "../../etc/passwd",
  "/etc/shadow",
  "file:///etc/passwd",
  "x".repeat(5000),
  "名前",
  "💥",
  " ",
  "a b",
  "'; DROP TABLE \"Project\"; --",
  "${jndi:ldap://x}",
  "__proto__",
  "constructor",
  "-1",
  "0",
  "99999999999999999999999",
  "1e309",
  "NaN",
  "\t\n\r",
  "\u202e",
  "a%2Fb",
  "@",
  "*",
] as const;

/** Hostile JSON values: wrong types, edges of numbers, text Postgres cannot store, nesting, size. */
export const NASTY_VALUES: readonly unknown[] = [
  null,
  true,
  0,
  -1,
  1.5,
  -0.0,
  Number.MAX_SAFE_INTEGER,
  new Raw("9007199254740993"),
  new Raw("18446744073709551616"),
  new Raw("-99999999999999999999999999999999999999"),
  new Raw("1e999"),
  new Raw("-1e999"),
  new Raw("1e-999"),
  new Raw("-0"),
  new Raw("1E+308"),
  "",
  " ",
  "\u0000",
  "nul\u0000inside",
  "\ud800",
  "\udfff tail",
  "x\ud800\ud800y",
  "\ufffe\uffff",
  "💥".repeat(200),
  "a".repeat(70_000),
  "0000-01-01T00:00:00Z",
  "10000-01-01T00:00:00Z",
  "+275760-09-13T00:00:00Z",
  "-000001-01-01T00:00:00Z",
  "2024-02-30T00:00:00Z",
  "2024-01-01T24:00:00Z",
  "2024-01-01T00:00:00.123456789Z",
  "1970-01-01T00:00:00+99:99",
  "../../etc/passwd",
  "/etc/passwd",
  "file:///etc/passwd",
  "s3://bucket/x",
  "read_csv('/etc/shadow')",
  "'; SELECT 1; --",
  "__proto__",
  "%00",
  [],
  [null],
  [[[]]],
  {},
  { __proto__: { polluted: true } },
  JSON.parse('{"__proto__": {"polluted": true}}'),
  { constructor: { prototype: { polluted: true } } },
  new Raw(nest(300, "[", "]")),
  new Raw(nest(300, '{"a":', "}")),
  Array.from({ length: 2000 }, (_, i) => i),
];

/** Whole bodies that are not the JSON they claim to be. */
export const NASTY_BODIES: readonly (string | Uint8Array<ArrayBuffer>)[] = [
  "",
  "{",
  "}",
  "[",
  "null",
  "0",
  '"str"',
  "{}{}",
  "{'a': 1}",
  '{"a": 1,}',
  '{"a": NaN}',
  '{"a": Infinity}',
  '{"a": undefined}',
  "\u0000",
  "\ufeff{}",
  nest(20_000, "[", "]"),
  nest(5_000, '{"a":', "}"),
  new Uint8Array([0xff, 0xfe, 0x7b, 0x7d]),
  new Uint8Array([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0x22, 0x7d]),
  new Uint8Array([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xed, 0xa0, 0x80, 0x22, 0x7d]),
  new Uint8Array([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xf4, 0x90, 0x80, 0x80, 0x22, 0x7d]),
  `{"a": ${"9".repeat(400)}}`,
  `{"a": 1${"0".repeat(400)}e-400}`,
];

type Schema = Record<string, unknown>;

/** A schema with $refs resolved against the document's components. */
export function deref(doc: { components?: { schemas?: Record<string, Schema> } }, s: Schema | undefined): Schema {
  let cur = s ?? {};
  for (let i = 0; i < 10 && typeof cur.$ref === "string"; i++) {
    cur = doc.components?.schemas?.[(cur.$ref as string).split("/").pop()!] ?? {};
  }
  return cur;
}

/** A plausible value for the schema: what a well-meaning client would send. */
export function plausible(doc: Parameters<typeof deref>[0], schema: Schema | undefined, rng: Rng, depth = 0): unknown {
  const s = deref(doc, schema);
  if (depth > 6) return null;
  if (s.const !== undefined) return s.const;
  if (Array.isArray(s.enum)) return pick(rng, s.enum);
  if (s.default !== undefined && rng() < 0.3) return s.default;
  for (const k of ["anyOf", "oneOf", "allOf"] as const) {
    const options = s[k] as Schema[] | undefined;
    if (options?.length) return plausible(doc, pick(rng, options.filter((o) => deref(doc, o).type !== "null")) ?? options[0], rng, depth + 1);
  }
  const type = Array.isArray(s.type) ? s.type.find((t) => t !== "null") : s.type;
  switch (type) {
    case "string":
      if (s.format === "date-time") return pick(rng, ["2024-01-01T00:00:00Z", "2024-01-02T00:00:00Z"]);
      if (s.format === "email") return "fuzz@example.test";
      return pick(rng, ["customer_spend", "customer", "transactions", "churn_v1", "fuzz_name", "x"]);
    case "integer":
    case "number":
      return typeof s.minimum === "number" && s.minimum > 0 ? s.minimum : 1;
    case "boolean":
      return false;
    case "array":
      return [plausible(doc, s.items as Schema, rng, depth + 1)];
    case "object": {
      const props = (s.properties ?? {}) as Record<string, Schema>;
      const required = new Set((s.required ?? []) as string[]);
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(props)) if (required.has(k) || rng() < 0.5) out[k] = plausible(doc, v, rng, depth + 1);
      return out;
    }
    default:
      return "x";
  }
}

/** Paths of every field in a plausible value (objects and arrays), for picking one to break. */
export function fieldPaths(v: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (v === null || typeof v !== "object" || v instanceof Raw) return [];
  const entries: [string | number, unknown][] = Array.isArray(v) ? v.map((x, i) => [i, x]) : Object.entries(v);
  return entries.flatMap(([k, x]) => [[...prefix, k], ...fieldPaths(x, [...prefix, k])]);
}

/** A copy of `v` with the field at `path` replaced. */
export function withField(v: unknown, path: (string | number)[], value: unknown): unknown {
  if (path.length === 0) return value;
  const copy = (Array.isArray(v) ? [...v] : { ...(v as object) }) as Record<string | number, unknown>;
  copy[path[0]] = withField(copy[path[0]], path.slice(1), value);
  return copy;
}

/** One hostile body for a schema: a broken field, a stray field, a wrong whole, or bytes that are not JSON. */
export function hostileBody(doc: Parameters<typeof deref>[0], schema: Schema | undefined, rng: Rng): { label: string; bytes: string | Uint8Array<ArrayBuffer> } {
  const roll = rng();
  if (roll < 0.15) {
    const b = pick(rng, NASTY_BODIES);
    return { label: `raw body ${JSON.stringify(typeof b === "string" ? b.slice(0, 30) : [...b.slice(0, 12)])}`, bytes: b };
  }
  const base = plausible(doc, schema, rng);
  const nasty = pick(rng, NASTY_VALUES);
  const show = toJson(nasty).slice(0, 40);
  if (roll < 0.25) return { label: `whole body ${show}`, bytes: toJson(nasty) };
  if (roll < 0.35 && base && typeof base === "object" && !Array.isArray(base)) {
    const key = pick(rng, ["surely_not_a_field", "\u0000", "\ud800", "__proto__", "a".repeat(3000)]);
    return { label: `extra field ${JSON.stringify(key.slice(0, 20))}`, bytes: toJson({ ...base, [key]: nasty }) };
  }
  const paths = fieldPaths(base);
  if (paths.length === 0) return { label: `whole body ${show}`, bytes: toJson(nasty) };
  const path = pick(rng, paths);
  return { label: `${path.join(".")} = ${show}`, bytes: toJson(withField(base, path, nasty)) };
}
