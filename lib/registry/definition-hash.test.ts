import { describe, expect, it } from "vitest";
import { compileView } from "./compile-view";
import { canonicalJson, changedViewParts, definitionHash, viewValueParts } from "./definition-hash";
import { FeatureViewDef, SourceDef, type EntityDef } from "./repo-schema";

const customer: EntityDef = { name: "customer", join_keys: [{ name: "customer_id", dtype: "int64" }], description: "", owner: "", tags: {} };
const source = SourceDef.parse({ name: "tx", kind: "parquet", path: "/d/tx.parquet", timestamp_field: "event_timestamp" });
const view = (over: Record<string, unknown> = {}) =>
  FeatureViewDef.parse({
    name: "spend",
    entities: ["customer"],
    source: "tx",
    ttl: "7d",
    transform: "SELECT * FROM source",
    features: [{ name: "amount", dtype: "float64" }],
    aggregations: [{ column: "amount", function: "sum", windows: ["7d"] }],
    ...over,
  });

describe("definition hash", () => {
  it("is stable: canonical JSON ignores key order", () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: 1, y: 2 }], c: undefined } })).toBe('{"a":{"d":[1,{"y":2,"z":1}]},"b":1}');
    expect(definitionHash(view(), [customer], source)).toBe(definitionHash(view(), [customer], source));
    // A fixed value guards against accidental changes to what the hash covers (would re-version every view).
    expect(definitionHash(view(), [customer], source)).toBe("202951068d72147907fc2293c7d18c705d048cab32976c7b0cba65b19d31b281");
  });

  it("ignores metadata: description, owner, tags, materialization, feature descriptions", () => {
    const base = definitionHash(view(), [customer], source);
    const meta = view({
      description: "x",
      owner: "me",
      tags: { team: "risk" },
      materialization: { online: false, offline: true, schedule: "0 * * * *" },
      features: [{ name: "amount", dtype: "float64", description: "desc" }],
    });
    expect(definitionHash(meta, [customer], source)).toBe(base);
    expect(definitionHash(view(), [{ ...customer, owner: "o" } as EntityDef], { ...source, description: "src", owner: "o", tags: { a: "b" } })).toBe(base);
  });

  it("treats equal durations as equal (7d = 1w) and trims the transform", () => {
    expect(definitionHash(view({ ttl: "1w", transform: "  SELECT * FROM source\n" }), [customer], source)).toBe(definitionHash(view(), [customer], source));
  });

  it.each([
    ["transform", { transform: "SELECT *, 1 AS x FROM source" }],
    ["ttl", { ttl: "30d" }],
    ["features", { features: [{ name: "amount", dtype: "float32" }] }],
    ["aggregations", { aggregations: [{ column: "amount", function: "sum", windows: ["7d", "30d"] }] }],
  ])("changes when %s changes, and says so", (part, over) => {
    expect(definitionHash(view(over), [customer], source)).not.toBe(definitionHash(view(), [customer], source));
    expect(changedViewParts(viewValueParts(view(), [customer], source), viewValueParts(view(over), [customer], source))).toEqual([part]);
  });

  it("changes when the source or the entity's join keys change", () => {
    const base = definitionHash(view(), [customer], source);
    expect(definitionHash(view(), [customer], { ...source, path: "/d/other.parquet" })).not.toBe(base);
    expect(definitionHash(view(), [{ ...customer, join_keys: [{ name: "customer_id", dtype: "string" }] }], source)).not.toBe(base);
  });

  it("compiles the stored definition with feature rows and flattened join keys", () => {
    const c = compileView(view(), [customer], source);
    expect(c.features.map((f) => [f.name, f.dtype, f.kind, f.position])).toEqual([
      ["amount", "float64", "field", 0],
      ["amount_sum_7d", "float64", "aggregation", 1],
    ]);
    expect(c.features[1].aggregation).toEqual({ column: "amount", function: "sum", window: "7d", windowSeconds: 604800 });
    expect(c.definition.join_keys).toEqual([{ name: "customer_id", dtype: "int64" }]);
    expect(c.ttlSeconds).toBe(604800);
    expect(c.hash).toBe(definitionHash(view(), [customer], source));
  });
});
