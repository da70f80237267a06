import { describe, expect, it } from "vitest";
import { anyActive, normalizeIntervals, normalizeJobDetail, normalizeStats, rangeStyle } from "./jobs";

describe("jobs normalizers", () => {
  it("reads a job detail with logs and children, BigInt-safe counts as numbers", () => {
    const d = normalizeJobDetail({ id: "j1", kind: "backfill", status: "running", rowsRead: 12, logs: [{ at: "t", message: "hi" }], children: [{ id: "c1", status: "succeeded" }] });
    expect(d.rowsRead).toBe(12);
    expect(d.logs[0]).toEqual({ at: "t", level: "info", message: "hi" });
    expect(d.children[0].id).toBe("c1");
    expect(d.childCount).toBe(1);
    expect(anyActive([d])).toBe(true);
    expect(anyActive(d.children)).toBe(false);
  });
  it("reads intervals and gaps and places them on a timeline", () => {
    const v = normalizeIntervals({
      intervals: [{ start: "2025-01-01T00:00:00Z", end: "2025-01-03T00:00:00Z" }],
      gaps: [{ start: "2025-01-03T00:00:00Z", end: "2025-01-05T00:00:00Z" }],
    });
    expect(v.from).toBe(Date.parse("2025-01-01T00:00:00Z"));
    expect(v.to).toBe(Date.parse("2025-01-05T00:00:00Z"));
    expect(rangeStyle(v.gaps[0], v.from, v.to)).toEqual({ left: "50.000%", width: "50.000%" });
  });
  it("sorts statistics by partition", () => {
    const s = normalizeStats({ items: [{ featureName: "a", partition: "2025-01-02", nullFraction: 0.5 }, { featureName: "a", partition: "2025-01-01" }] });
    expect(s.map((x) => x.partition)).toEqual(["2025-01-01", "2025-01-02"]);
  });
});
