import { describe, expect, it } from "vitest";
import { clipRanges, gapsWithin, mergeRanges, splitByUtcDay } from "./intervals";

const D = 86_400_000;
const t = (iso: string) => Date.parse(iso);

describe("mergeRanges", () => {
  it("joins overlapping and touching ranges and drops empty ones", () => {
    expect(mergeRanges([{ start: 5, end: 8 }, { start: 0, end: 2 }, { start: 2, end: 3 }, { start: 7, end: 10 }, { start: 4, end: 4 }])).toEqual([
      { start: 0, end: 3 },
      { start: 5, end: 10 },
    ]);
  });
});

describe("gapsWithin", () => {
  it("returns the uncovered parts of the requested range", () => {
    const covered = [{ start: 10, end: 20 }, { start: 30, end: 40 }, { start: 35, end: 45 }];
    expect(gapsWithin(covered, 0, 50)).toEqual([
      { start: 0, end: 10 },
      { start: 20, end: 30 },
      { start: 45, end: 50 },
    ]);
    expect(gapsWithin(covered, 12, 18)).toEqual([]);
    expect(gapsWithin(covered, 15, 32)).toEqual([{ start: 20, end: 30 }]);
    expect(gapsWithin([], 1, 2)).toEqual([{ start: 1, end: 2 }]);
  });
});

describe("clipRanges", () => {
  it("cuts ranges to the window", () => {
    expect(clipRanges([{ start: 0, end: 10 }, { start: 20, end: 30 }], 5, 25)).toEqual([
      { start: 5, end: 10 },
      { start: 20, end: 25 },
    ]);
  });
});

describe("splitByUtcDay", () => {
  it("splits at UTC midnights and labels each date partition", () => {
    const parts = splitByUtcDay(t("2024-01-01T12:00:00Z"), t("2024-01-03T06:00:00Z"));
    expect(parts.map((p) => p.day)).toEqual(["2024-01-01", "2024-01-02", "2024-01-03"]);
    expect(parts[0]).toMatchObject({ start: t("2024-01-01T12:00:00Z"), end: t("2024-01-02T00:00:00Z") });
    expect(parts[1].end - parts[1].start).toBe(D);
    expect(parts[2]).toMatchObject({ start: t("2024-01-03T00:00:00Z"), end: t("2024-01-03T06:00:00Z") });
  });
  it("keeps whole days whole", () => {
    expect(splitByUtcDay(t("2024-01-01T00:00:00Z"), t("2024-01-02T00:00:00Z"))).toHaveLength(1);
  });
});
