import { describe, expect, it } from "vitest";
import { hashThreshold, samplingShift, scaleCounts } from "./sample-estimates";

describe("sampling rate", () => {
  it("keeps everything up to the sample size, then halves until at most that many remain", () => {
    expect(samplingShift(0, 100)).toBe(0);
    expect(samplingShift(100, 100)).toBe(0);
    expect(samplingShift(101, 100)).toBe(1);
    expect(samplingShift(200, 100)).toBe(1);
    expect(samplingShift(201, 100)).toBe(2);
    expect(samplingShift(1_000_000, 65_536)).toBe(4); // 62,500 expected rows
    for (const n of [65_537, 100_000, 3_000_000, 1e9]) {
      const kept = n / 2 ** samplingShift(n, 65_536);
      expect(kept).toBeLessThanOrEqual(65_536);
      expect(kept).toBeGreaterThan(65_536 / 2);
    }
  });

  it("maps a shift to the largest kept 64-bit hash", () => {
    expect(hashThreshold(0)).toBe(2n ** 64n - 1n);
    expect(hashThreshold(4)).toBe(2n ** 60n - 1n);
  });
});

describe("histogram scaling", () => {
  it("returns counts unchanged when they already sum to the target", () => {
    expect(scaleCounts([1, 2, 3], 6)).toEqual([1, 2, 3]);
  });

  it("scales to integers summing exactly to the target, remainders to the largest fractions", () => {
    const out = scaleCounts([1, 1, 1], 10);
    expect(out.reduce((a, b) => a + b, 0)).toBe(10);
    expect(out).toEqual([4, 3, 3]);
    const big = scaleCounts([3125, 3000, 0, 3300, 2], 1_000_003);
    expect(big.reduce((a, b) => a + b, 0)).toBe(1_000_003);
    expect(big[2]).toBe(0);
    expect(scaleCounts([0, 0], 5)).toEqual([0, 0]);
  });
});
