import { describe, expect, it } from "vitest";
import { exactRange } from "./historical-coverage";

const t = (iso: string) => new Date(iso);

describe("exactRange: what a materialized interval makes exact offline", () => {
  it("an end inside a day includes the end (its whole partition was written)", () => {
    const r = exactRange({ start: t("2025-03-01T00:00:00Z"), end: t("2025-03-04T13:30:00Z"), partitions: null });
    expect(r.end).toBe(t("2025-03-04T13:30:00.001Z").getTime());
  });
  it("an end at a midnight includes it only when the job wrote that day", () => {
    const end = t("2025-03-04T00:00:00Z");
    expect(exactRange({ start: t("2025-03-01T00:00:00Z"), end, partitions: ["date=2025-03-01", "date=2025-03-04"] }).end).toBe(end.getTime() + 1);
    // A backfill child that left the day to the next child, or a row without its job: [start, end).
    expect(exactRange({ start: t("2025-03-03T00:00:00Z"), end, partitions: ["date=2025-03-03"] }).end).toBe(end.getTime());
    expect(exactRange({ start: t("2025-03-03T00:00:00Z"), end, partitions: null }).end).toBe(end.getTime());
  });
});
