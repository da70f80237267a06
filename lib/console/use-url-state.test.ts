import { describe, expect, it } from "vitest";
import { applyPatch, patchBase, type PendingWrite } from "./use-url-state";

describe("URL state patches", () => {
  it("applies a patch: sets, replaces and removes keys (undefined, empty and 0 remove)", () => {
    expect(applyPatch("q=a&offset=50", { q: "b", offset: 0, dir: "desc" })).toBe("q=b&dir=desc");
    expect(applyPatch("q=a", { q: "" })).toBe("");
    expect(applyPatch("", { offset: 100 })).toBe("offset=100");
  });

  it("a second change made before the URL caught up with the first keeps both", () => {
    // The filter is cleared (q=segm → ""), then the sort is clicked while the URL still reads q=segm.
    let pending: PendingWrite | null = null;
    const write = (url: string, patch: Record<string, string | undefined>) => {
      const to = applyPatch(patchBase(url, pending), patch);
      pending = { from: url, to };
      return to;
    };
    expect(write("q=segm", { q: undefined })).toBe("");
    expect(write("q=segm", { dir: "desc" })).toBe("dir=desc");
    // The other order too.
    pending = null;
    expect(write("q=segm", { dir: "desc" })).toBe("q=segm&dir=desc");
    expect(write("q=segm", { q: undefined })).toBe("dir=desc");
  });

  it("once the URL moved on (caught up, or the user navigated), it is the base again", () => {
    const pending = { from: "q=a", to: "q=a&dir=desc" };
    expect(patchBase("q=a", pending)).toBe("q=a&dir=desc");
    expect(patchBase("q=a&dir=desc", pending)).toBe("q=a&dir=desc");
    expect(patchBase("view=x", pending)).toBe("view=x");
    expect(patchBase("q=a", null)).toBe("q=a");
  });
});
