import { describe, expect, it } from "vitest";
import { parseTimestampMs, utcDate } from "./timestamps";

describe("parseTimestampMs", () => {
  it("reads zones as offsets and no zone as UTC", () => {
    expect(parseTimestampMs("2024-01-01T10:00:00+02:00")).toBe(Date.parse("2024-01-01T08:00:00Z"));
    expect(parseTimestampMs("2024-01-01 10:00:00")).toBe(Date.parse("2024-01-01T10:00:00Z"));
    expect(parseTimestampMs("2024-01-01T10:00:00.250Z")).toBe(Date.parse("2024-01-01T10:00:00.250Z"));
    expect(parseTimestampMs("2024-01-01")).toBe(Date.parse("2024-01-01T00:00:00Z"));
    expect(parseTimestampMs("2024-01-01T10:00:00-0530")).toBe(Date.parse("2024-01-01T15:30:00Z"));
    expect(parseTimestampMs(1700000000000)).toBe(1700000000000);
  });
  it("refuses what is not a time", () => {
    expect(parseTimestampMs("yesterday")).toBeNull();
    expect(parseTimestampMs(true)).toBeNull();
    expect(parseTimestampMs("2024-13-45T00:00:00Z")).toBeNull();
  });
  it("labels UTC date partitions", () => {
    expect(utcDate(Date.parse("2024-01-01T23:59:59.999Z"))).toBe("2024-01-01");
  });
});
