import { describe, expect, it } from "vitest";
import { isoFromUs, MAX_TIME_US, MIN_TIME_US } from "../shared/time-us";
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
  // What getOnlineFeatures prints (isoFromUs): Feast's adaptive fraction (none, ms or µs).
  const written = (us: bigint) => {
    const b = Buffer.alloc(64);
    let secs = us / 1_000_000n;
    let micros = us % 1_000_000n;
    if (micros < 0n) {
      micros += 1_000_000n;
      secs -= 1n;
    }
    return b.subarray(0, writeIsoQuoted(b, 0, Number(secs), Number(micros))).toString("latin1");
  };
  it("matches isoFromUs for edge cases and for random times, microseconds included", () => {
    const cases = [0n, 1n, 999n, 1000n, 1_000_000n, 86_399_999_999n, -1n, -86_400_000_001n, MIN_TIME_US, MAX_TIME_US, 951_782_400_000_000n, 4_107_542_400_000_000n];
    for (let i = 0; i < 20_000; i++) cases.push(MIN_TIME_US + BigInt(Math.floor(Math.random() * Number(MAX_TIME_US - MIN_TIME_US))));
    for (const us of cases) expect(written(us), String(us)).toBe(`"${isoFromUs(us)}"`);
  });
});
