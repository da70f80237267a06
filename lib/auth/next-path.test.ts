import { describe, expect, it } from "vitest";
import { safeNextPath } from "./next-path";

/** What an attacker puts in `?next=` (decoded, as the page receives it). Issue 13, item 6. */
const ATTACKS = [
  undefined,
  null,
  "",
  "https://evil.example",
  "//evil.example",
  "/\\evil.example",
  "\\\\evil.example",
  "/\t/evil.example/",
  "/\n/evil.example",
  "/\r\n/evil.example",
  "/\u0000/evil.example",
  "/\u007f/evil.example",
  "/ /evil.example",
  "javascript:alert(1)",
  "JAVASCRIPT:alert(1)",
  "data:text/html,<script>alert(1)</script>",
  " /projects",
  "projects",
  "/%5cevil.example",
  `/${"a".repeat(3000)}`,
  "/\n",
];

describe("safeNextPath", () => {
  it("keeps same-origin paths, query and hash", () => {
    expect(safeNextPath("/projects/retail?tab=views")).toBe("/projects/retail?tab=views");
    expect(safeNextPath("/projects/retail/feature-views/x#feature-y")).toBe("/projects/retail/feature-views/x#feature-y");
    expect(safeNextPath("/projects/a%20b")).toBe("/projects/a%20b");
  });

  it.each(ATTACKS.map((a) => [a]))("refuses %j", (bad) => {
    const out = safeNextPath(bad as string | null | undefined);
    expect(new URL(out, "https://larder.example").origin).toBe("https://larder.example");
    expect(out).not.toMatch(/^[a-z]+:|javascript/i);
    expect(out).not.toMatch(/[\u0000-\u001f\u007f]/);
    expect(out.startsWith("//")).toBe(false);
  });

  it("normalises what it keeps, so the browser reads the same path", () => {
    expect(safeNextPath("/a/../projects")).toBe("/projects");
    expect(safeNextPath("/%2F%2Fevil.example")).toBe("/%2F%2Fevil.example");
  });
});
