import { describe, expect, it } from "vitest";
import { QUANTILE_POINTS } from "./compute-stats";
import { categoricalPsi, cdfFromQuantiles, numericPsi, psi } from "./drift";

/** Quantiles p0…p100 of a uniform distribution on [lo, hi]. */
const uniform = (lo: number, hi: number) => Array.from({ length: QUANTILE_POINTS }, (_, k) => lo + ((hi - lo) * k) / (QUANTILE_POINTS - 1));

describe("drift (PSI)", () => {
  it("psi is 0 for equal distributions and grows with the shift", () => {
    expect(psi([0.5, 0.5], [0.5, 0.5])).toBe(0);
    // (0.6 − 0.4)·ln(0.6/0.4) + (0.4 − 0.6)·ln(0.4/0.6)
    expect(psi([0.4, 0.6], [0.6, 0.4])).toBeCloseTo(2 * 0.2 * Math.log(1.5), 12);
    expect(psi([0.5, 0.5], [0.9, 0.1])).toBeGreaterThan(psi([0.5, 0.5], [0.6, 0.4]));
  });

  it("cdfFromQuantiles inverts the quantile grid, with point masses at or below a repeated value", () => {
    const q = uniform(0, 100);
    expect(cdfFromQuantiles(q, -1)).toBe(0);
    expect(cdfFromQuantiles(q, 25)).toBeCloseTo(0.25, 12);
    expect(cdfFromQuantiles(q, 100)).toBe(1);
    const twoValues = Array.from({ length: QUANTILE_POINTS }, (_, k) => (k < 70 ? 1 : 2));
    expect(cdfFromQuantiles(twoValues, 1)).toBeCloseTo(0.69, 12);
    expect(cdfFromQuantiles(twoValues, 1.5)).toBeCloseTo(0.69 + 0.5 / 100, 12);
  });

  it("numericPsi: 0 on the same quantiles, small for a slight shift, large for a scale change", () => {
    expect(numericPsi(uniform(0, 100), uniform(0, 100))).toBeCloseTo(0, 12);
    expect(numericPsi(uniform(0, 100), uniform(2, 102))!).toBeLessThan(0.01);
    expect(numericPsi(uniform(0, 100), uniform(0, 300))!).toBeGreaterThan(0.5);
    expect(numericPsi([1, 2], uniform(0, 1))).toBeNull();
  });

  it("categoricalPsi: over the reference's top values plus the rest", () => {
    const ref = { top: [{ value: "a", count: 50 }, { value: "b", count: 30 }], nonNull: 100 };
    expect(categoricalPsi(ref, ref)).toBeCloseTo(0, 12);
    // b vanished from the current top: its share moves to "the rest".
    const cur = { top: [{ value: "a", count: 50 }, { value: "c", count: 50 }], nonNull: 100 };
    expect(categoricalPsi(ref, cur)!).toBeCloseTo(psi([0.5, 0.3, 0.2], [0.5, 0, 0.5]), 12);
    expect(categoricalPsi(ref, { top: [], nonNull: 0 })).toBeNull();
  });
});
