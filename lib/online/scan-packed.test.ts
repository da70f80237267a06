import { describe, expect, it } from "vitest";
import { scanPacked, writeIsoQuoted } from "./read-response-bytes";
import { packValues } from "./keys";

/** The element texts scanPacked finds in a packed value. */
function elements(packed: string, max = 64): string[] {
  const b = Buffer.from(packed);
  const ranges = new Int32Array(2 * max + 3).fill(-1);
  const count = scanPacked(b, 0, b.length, ranges, 3, max);
  return Array.from({ length: Math.min(count, max) }, (_, k) => b.subarray(ranges[3 + 2 * k], ranges[4 + 2 * k]).toString());
}

describe("scanPacked", () => {
  it("finds each element's JSON text, skipping over strings and nested values whole", () => {
    const elems = ["1.5", "null", '"a,b"', "true", '[1,[2,"],"]]', '{"k":"v,}"}', '"q\\"[,"', '"\\\\"', "-0.0", "1e+21", '"é ✓"'];
    const packed = packValues(elems);
    expect(elements(packed)).toEqual(elems);
    expect(elements(packed).map((t) => JSON.parse(t))).toEqual(JSON.parse(packed));
  });
  it("handles empty arrays, one element and whitespace", () => {
    expect(elements("[]")).toEqual([]);
    expect(elements(" [ ] ")).toEqual([]);
    expect(elements("[7]")).toEqual(["7"]);
    expect(elements('[ 1 , "a" ,null ]')).toEqual(["1", '"a"', "null"]);
    expect(elements('[""]')).toEqual(['""']);
    expect(elements("[1,\n\tnull\r]")).toEqual(["1", "null"]);
  });
  it("counts every element but records at most max ranges", () => {
    const b = Buffer.from("[1,2,3]");
    const ranges = new Int32Array(4);
    expect(scanPacked(b, 0, b.length, ranges, 0, 2)).toBe(3);
    expect([b.subarray(ranges[2], ranges[3]).toString()]).toEqual(["2"]);
  });
  it("scans a value in the middle of a larger buffer", () => {
    const b = Buffer.from("123\x1f[4,[5,6],\"x\"]\x1f[9]");
    const ranges = new Int32Array(8);
    expect(scanPacked(b, 4, 17, ranges, 0, 4)).toBe(3);
    expect([0, 1, 2].map((k) => b.subarray(ranges[2 * k], ranges[2 * k + 1]).toString())).toEqual(["4", "[5,6]", '"x"']);
  });
});

describe("writeIsoQuoted", () => {
  // What getOnlineFeatures prints (isoOf): toISOString, whole seconds without a fraction.
  const expected = (ms: number) => {
    const s = new Date(ms).toISOString();
    return `"${s.endsWith(".000Z") ? `${s.slice(0, 19)}Z` : s}"`;
  };
  const written = (ms: number) => {
    const b = Buffer.alloc(64);
    return b.subarray(0, writeIsoQuoted(b, 0, ms)).toString("latin1");
  };
  it("matches Date for edge cases and for random times", () => {
    const cases = [0, 1, 999, 1000, 86_399_999, 951_782_400_000, 951_868_799_999, 4_107_542_400_000, 253_402_300_799_999, Date.UTC(2024, 1, 29, 23, 59, 59, 7)];
    for (let i = 0; i < 20_000; i++) cases.push(Math.floor(Math.random() * 253_402_300_800_000));
    for (const ms of cases) expect(written(ms), String(ms)).toBe(expected(ms));
  });
  it("falls back to Date outside the fast range", () => {
    for (const ms of [-1, -86_400_001, 253_402_300_800_000, 1.5]) expect(written(ms)).toBe(expected(ms));
  });
});
