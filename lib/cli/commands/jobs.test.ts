import { describe, expect, it } from "vitest";
import { normalizeTime, splitList } from "./jobs";

describe("jobs CLI helpers", () => {
  it("reads a bare date as UTC midnight and leaves full times alone", () => {
    expect(normalizeTime("2024-03-01")).toBe("2024-03-01T00:00:00Z");
    expect(normalizeTime("2024-03-01T05:00:00+02:00")).toBe("2024-03-01T05:00:00+02:00");
  });
  it("adds the seconds ISO 8601 lets a time leave out", () => {
    expect(normalizeTime("2026-11-01T00:00Z")).toBe("2026-11-01T00:00:00Z");
    expect(normalizeTime("2026-11-01T05:30+02:00")).toBe("2026-11-01T05:30:00+02:00");
    expect(normalizeTime("2026-11-01T05:30z")).toBe("2026-11-01T05:30:00Z");
    expect(normalizeTime("2026-11-01T05:30")).toBe("2026-11-01T05:30"); // no zone: the API says what is missing
  });
  it("splits comma lists and drops empties", () => {
    expect(splitList("a, b,,c")).toEqual(["a", "b", "c"]);
    expect(splitList("")).toBeUndefined();
    expect(splitList(undefined)).toBeUndefined();
  });
});
