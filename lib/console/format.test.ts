import { describe, expect, it } from "vitest";
import { formatDuration, formatRelative, formatSeconds, freshnessTone, plural } from "./format";

describe("format", () => {
  it("formats seconds as the largest two units", () => {
    expect(formatSeconds(2592000)).toBe("30d");
    expect(formatSeconds(3600)).toBe("1h");
    expect(formatSeconds(90)).toBe("1m 30s");
    expect(formatSeconds(90061)).toBe("1d 1h");
    expect(formatSeconds(null)).toBe("none");
  });
  it("formats durations and running durations", () => {
    expect(formatDuration("2025-01-01T00:00:00Z", "2025-01-01T00:00:00.250Z")).toBe("250ms");
    expect(formatDuration("2025-01-01T00:00:00Z", null, Date.parse("2025-01-01T00:01:12Z"))).toBe("1m 12s");
    expect(formatDuration(null, null)).toBe("—");
  });
  it("formats relative times", () => {
    const now = Date.parse("2025-01-01T12:00:00Z");
    expect(formatRelative("2025-01-01T11:57:00Z", now)).toBe("3 minutes ago");
    expect(formatRelative("2025-01-01T14:00:00Z", now)).toBe("in 2 hours");
    expect(formatRelative(null, now)).toBe("never");
  });
  it("grades freshness against the ttl", () => {
    const now = Date.parse("2025-01-10T00:00:00Z");
    expect(freshnessTone(null, 3600, now)).toBe("muted");
    expect(freshnessTone("2025-01-09T23:30:00Z", 3600, now)).toBe("success");
    expect(freshnessTone("2025-01-05T00:00:00Z", 30 * 86400, now)).toBe("warning");
    expect(freshnessTone("2024-11-01T00:00:00Z", 30 * 86400, now)).toBe("danger");
  });
});

describe("plural", () => {
  it("picks the singular for one and the plural otherwise", () => {
    expect(plural(1, "gap")).toBe("1 gap");
    expect(plural(0, "gap")).toBe("0 gaps");
    expect(plural(1200, "entity", "entities")).toBe("1,200 entities");
  });
});
