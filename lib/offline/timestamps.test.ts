import { describe, expect, it } from "vitest";
import { floorMs, parseTimeUs, utcDateOfUs } from "./timestamps";

const us = (iso: string) => BigInt(Date.parse(iso)) * 1000n;

describe("parseTimeUs", () => {
  it("reads zones as offsets and no zone as UTC, to the microsecond", () => {
    expect(parseTimeUs("2024-01-01T10:00:00+02:00")).toEqual({ us: us("2024-01-01T08:00:00Z") });
    expect(parseTimeUs("2024-01-01 10:00:00")).toEqual({ us: us("2024-01-01T10:00:00Z") });
    expect(parseTimeUs("2024-01-01T10:00:00.250001Z")).toEqual({ us: us("2024-01-01T10:00:00.250Z") + 1n });
    expect(parseTimeUs("2024-01-01")).toEqual({ us: us("2024-01-01T00:00:00Z") });
    expect(parseTimeUs("2024-01-01T10:00:00-0530")).toEqual({ us: us("2024-01-01T15:30:00Z") });
    expect(parseTimeUs(1700000000000)).toEqual({ us: 1700000000000000n });
    expect(parseTimeUs(1700000000, "s")).toEqual({ us: 1700000000000000n });
  });
  it("refuses what is not a time, or not a representable one", () => {
    for (const v of ["yesterday", true, "2024-13-45T00:00:00Z", 1e20, -1e20, Number.NaN, null, {}]) expect("error" in parseTimeUs(v), String(v)).toBe(true);
  });
  it("labels UTC date partitions and floors to the millisecond", () => {
    expect(utcDateOfUs(us("2024-01-01T23:59:59.999Z") + 999n)).toBe("2024-01-01");
    expect(utcDateOfUs(-1n)).toBe("1969-12-31");
    expect(floorMs(-1n)).toBe(-1);
    expect(floorMs(1999n)).toBe(1);
  });
});
