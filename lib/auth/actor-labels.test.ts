import { describe, expect, it } from "vitest";
import { tokenIdOfLabel, tokenLabel } from "./actor-labels";

describe("actor labels", () => {
  it("finds the token id in a token's principal label only", () => {
    expect(tokenIdOfLabel("token:ckx1abc (ann@example.com)")).toBe("ckx1abc");
    expect(tokenIdOfLabel("ann@example.com")).toBeNull();
    expect(tokenIdOfLabel("schedule:spend")).toBeNull();
    expect(tokenIdOfLabel("backfill:ckx1abc")).toBeNull();
    expect(tokenIdOfLabel("token:ckx1abc")).toBeNull();
  });

  it("writes the name in place of the id", () => {
    expect(tokenLabel("ci-reader", "ann@example.com")).toBe("token “ci-reader” (ann@example.com)");
  });
});
