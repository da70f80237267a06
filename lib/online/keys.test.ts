import { describe, expect, it } from "vitest";
import { aggField, entityKey, packValues, rowField, tsField, unpackValues } from "./keys";

describe("online keys", () => {
  it("sorts join keys by name and escapes values", () => {
    expect(entityKey("p", { b: "x y", a: 1 })).toBe("larder:ol:p:a=1,b=x%20y");
  });
  it("names four fields per view version", () => {
    expect([tsField("spend", 2), rowField("spend", 2), aggField("spend", 2)]).toEqual(["spend@v2:__ts", "spend@v2:__row", "spend@v2:__agg"]);
  });
  it("packs JSON-encoded values into one array and back", () => {
    const packed = packValues(["1.5", "null", '"a,b"', "true", "[1,2]"]);
    expect(packed).toBe('[1.5,null,"a,b",true,[1,2]]');
    expect(unpackValues(packed)).toEqual([1.5, null, "a,b", true, [1, 2]]);
    expect(unpackValues(null)).toBeNull();
  });
});
