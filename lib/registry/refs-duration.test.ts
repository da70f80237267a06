import { describe, expect, it } from "vitest";
import { formatDuration, parseDuration } from "./duration";
import { formatFeatureRef, parseFeatureRef } from "../shared/feature-refs";

describe("parseDuration", () => {
  it.each([
    ["30s", 30],
    ["15m", 900],
    ["1h", 3600],
    ["7d", 604800],
    ["2w", 1209600],
    [" 30d ", 2592000],
  ])("%s → %i seconds", (s, n) => expect(parseDuration(s)).toBe(n));

  it.each(["", "0d", "7", "d", "1.5h", "-1d", "7D", "1y", "01d", "99999999999999999w"])("rejects %j", (s) => {
    expect(parseDuration(s)).toBeNull();
  });

  it("formats the shortest exact unit", () => {
    expect(formatDuration(86400)).toBe("1d");
    expect(formatDuration(604800)).toBe("1w");
    expect(formatDuration(5400)).toBe("90m");
    expect(formatDuration(61)).toBe("61s");
  });
});

describe("parseFeatureRef", () => {
  it("parses latest, pinned and whole-view references", () => {
    expect(parseFeatureRef("customer_spend:amount_sum_7d")).toEqual({ view: "customer_spend", version: null, feature: "amount_sum_7d" });
    expect(parseFeatureRef("customer_spend@v2:amount_sum_7d")).toEqual({ view: "customer_spend", version: 2, feature: "amount_sum_7d" });
    expect(parseFeatureRef("customer_profile")).toEqual({ view: "customer_profile", version: null, feature: null });
    expect(parseFeatureRef("customer_profile@v3")).toEqual({ view: "customer_profile", version: 3, feature: null });
  });

  it.each(["", ":x", "v:", "v@2:x", "v@v0:x", "v:x:y", "1v:x", "v@v1.2:x", "a-b:c"])("rejects %j", (s) => {
    expect(parseFeatureRef(s)).toBeNull();
  });

  it("round-trips through formatFeatureRef", () => {
    for (const s of ["a:b", "a@v7:b", "a", "a@v2"]) expect(formatFeatureRef(parseFeatureRef(s)!)).toBe(s);
  });
});
