import { describe, expect, it } from "vitest";
import { piecesByDay } from "./backfill";

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
