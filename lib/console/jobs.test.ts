import { describe, expect, it } from "vitest";
import { anyActive, jobRef, normalizeIntervals, normalizeJob, normalizeJobDetail, normalizeStats, rangeStyle, statusSummary, utcDaysTouched } from "./jobs";

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
  it("reads the child counts, the readable actor and a child's partition", () => {
    const d = normalizeJobDetail({ id: "j1", triggeredBy: "token:abc (a@x)", triggeredByLabel: "token “ci” (a@x)", childCounts: { succeeded: 3, failed: "1" }, children: [] });
    expect(d.childCounts).toEqual({ succeeded: 3, failed: 1 });
    expect(d.triggeredByLabel).toBe("token “ci” (a@x)");
    expect(normalizeJobDetail({ id: "j", children: [{ status: "failed" }, { status: "failed" }] }).childCounts).toEqual({ failed: 2 });
    expect(normalizeJob({ id: "c", params: { partition: "2025-01-03" } }).partition).toBe("2025-01-03");
    expect(normalizeJob({ id: "c", triggeredBy: "me" }).triggeredByLabel).toBe("me");
  });
  it("names jobs so neighbours differ, and summarises statuses", () => {
    expect(jobRef({ id: "cmabc123400000000deadbeef", partition: "2025-01-03" })).toBe("2025-01-03");
    expect(jobRef({ id: "cmabc123400000000deadbeef", partition: null })).toBe("#deadbeef");
    expect(statusSummary({ failed: 2, succeeded: 30, running: 0, cancelled: 1 })).toEqual([
      { status: "succeeded", count: 30 },
      { status: "failed", count: 2 },
      { status: "cancelled", count: 1 },
    ]);
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
  it("counts the UTC days a set of gaps touches", () => {
    const D = 86400_000;
    expect(utcDaysTouched([{ start: 0, end: D }])).toBe(1);
    expect(utcDaysTouched([{ start: D / 2, end: D + 1 }])).toBe(2);
    expect(utcDaysTouched([{ start: 0, end: 2 * D }, { start: D, end: 3 * D }])).toBe(3);
    expect(utcDaysTouched([])).toBe(0);
  });
  it("sorts statistics by partition", () => {
    const s = normalizeStats({ items: [{ featureName: "a", partition: "2025-01-02", nullFraction: 0.5 }, { featureName: "a", partition: "2025-01-01" }] });
    expect(s.map((x) => x.partition)).toEqual(["2025-01-01", "2025-01-02"]);
  });
});
