import { describe, expect, it } from "vitest";
import { leavesEndPartition, piecesByDay } from "./backfill";

const t = (iso: string) => Date.parse(iso);

describe("piecesByDay", () => {
  it("gives each UTC date exactly one piece, joining gaps of the same day", () => {
    const pieces = piecesByDay([
      { start: t("2024-03-01T00:00:00Z"), end: t("2024-03-01T02:00:00Z") },
      { start: t("2024-03-01T05:00:00Z"), end: t("2024-03-02T03:00:00Z") },
    ]);
    expect(pieces).toEqual([
      { day: "2024-03-01", start: t("2024-03-01T00:00:00Z"), end: t("2024-03-02T00:00:00Z") },
      { day: "2024-03-02", start: t("2024-03-02T00:00:00Z"), end: t("2024-03-02T03:00:00Z") },
    ]);
  });
  it("is empty for no ranges", () => {
    expect(piecesByDay([])).toEqual([]);
  });
});

describe("leavesEndPartition", () => {
  it("a child ending at a midnight leaves that day to the child that owns it; the last child writes it", () => {
    const pieces = piecesByDay([{ start: t("2024-03-01T00:00:00Z"), end: t("2024-03-03T00:00:00Z") }]);
    expect(pieces.map((p) => leavesEndPartition(p, pieces))).toEqual([true, false]);
    // With gaps: the day after a piece is nobody's, so the piece writes it.
    const gappy = piecesByDay([
      { start: t("2024-03-01T00:00:00Z"), end: t("2024-03-02T00:00:00Z") },
      { start: t("2024-03-03T00:00:00Z"), end: t("2024-03-03T06:00:00Z") },
    ]);
    expect(gappy.map((p) => leavesEndPartition(p, gappy))).toEqual([false, false]);
  });
});
