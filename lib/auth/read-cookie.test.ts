import { describe, expect, it } from "vitest";
import { readCookie } from "./resolve-principal";

describe("readCookie", () => {
  it("finds a cookie among others and decodes it", () => {
    expect(readCookie("a=1; larder_session=x%3Dy; b=2", "larder_session")).toBe("x=y");
    expect(readCookie("a=1", "larder_session")).toBeUndefined();
    expect(readCookie(null, "larder_session")).toBeUndefined();
  });

  it("treats a malformed value as no cookie instead of throwing (a 401, not a 500)", () => {
    expect(readCookie("larder_session=%E0%A4%A", "larder_session")).toBeUndefined();
    expect(readCookie("other=%E0; larder_session=ok", "larder_session")).toBe("ok");
  });
});
