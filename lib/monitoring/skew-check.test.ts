import { describe, expect, it } from "vitest";
import { sameValue } from "./skew-check";


describe("sameValue (skew comparison)", () => {
  it("compares numbers with a tiny relative tolerance, timestamps as instants, the rest exactly", () => {
    expect(sameValue(0.1 + 0.2, 0.3)).toBe(true);
    expect(sameValue(1, 1.001)).toBe(false);
    expect(sameValue(null, undefined)).toBe(true);
    expect(sameValue(null, 0)).toBe(false);
    expect(sameValue(0, null)).toBe(false);
    expect(sameValue("2024-01-01T12:00:00Z", "2024-01-01T12:00:00.000000Z")).toBe(true);
    expect(sameValue("2024-01-01T12:00:00.000001Z", "2024-01-01T12:00:00Z")).toBe(false);
    expect(sameValue("a", "a")).toBe(true);
    expect(sameValue("a", "b")).toBe(false);
    expect(sameValue([1, 2], [1, 2])).toBe(true);
    expect(sameValue(true, "true")).toBe(false);
  });
});
