import { describe, expect, it } from "vitest";
import { splitPacked } from "./get-online-features";
import { packValues } from "./keys";

describe("splitPacked", () => {
  it("returns each element's JSON text, skipping over strings and nested values whole", () => {
    const elems = ["1.5", "null", '"a,b"', "true", "[1,[2,\"],\"]]", '{"k":"v,}"}', '"q\\"[,"', '"\\\\"', "-0.0", "1e+21", '"é ✓"'];
    const packed = packValues(elems);
    expect(splitPacked(packed)).toEqual(elems);
    expect(splitPacked(packed).map((t) => JSON.parse(t))).toEqual(JSON.parse(packed));
  });
  it("handles empty arrays, one element and whitespace", () => {
    expect(splitPacked("[]")).toEqual([]);
    expect(splitPacked(" [ ] ")).toEqual([]);
    expect(splitPacked("[7]")).toEqual(["7"]);
    expect(splitPacked('[ 1 , "a" ,null ]')).toEqual(["1", '"a"', "null"]);
    expect(splitPacked('[""]')).toEqual(['""']);
    expect(splitPacked("[1,\n\tnull\r]")).toEqual(["1", "null"]);
    expect(splitPacked("[1,2.5,-3,null,true]")).toEqual(["1", "2.5", "-3", "null", "true"]);
  });
});
