// The demo's own SESSION_SECRET: made once per install, private to the user, reused after.
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { DEMO_SECRET_FILE, demoSessionSecret } from "./session-secret";

const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(path.join(tmpdir(), "larder-demo-secret-"));
  dirs.push(d);
  return path.join(d, ".data");
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe("demoSessionSecret", () => {
  it("creates a random 0600 secret once and reuses it", () => {
    const dir = tmp();
    const first = demoSessionSecret(dir, undefined);
    expect(first.source).toBe("created");
    expect(first.secret).toMatch(/^[0-9a-f]{64}$/);
    expect(statSync(first.file).mode & 0o777).toBe(0o600);
    const again = demoSessionSecret(dir, undefined);
    expect(again).toMatchObject({ source: "file", secret: first.secret });
    // Another install gets another secret.
    expect(demoSessionSecret(tmp(), undefined).secret).not.toBe(first.secret);
  });

  it("leaves a secret the environment sets alone and writes nothing", () => {
    const dir = tmp();
    expect(demoSessionSecret(dir, "operator-chosen-secret-0123456789abcdef")).toMatchObject({ source: "environment", secret: "operator-chosen-secret-0123456789abcdef" });
    expect(() => statSync(path.join(dir, DEMO_SECRET_FILE))).toThrow();
  });

  it("replaces a short or empty file and narrows a widened mode", () => {
    const dir = tmp();
    demoSessionSecret(dir, undefined);
    const file = path.join(dir, DEMO_SECRET_FILE);
    writeFileSync(file, "short\n", { mode: 0o644 });
    const replaced = demoSessionSecret(dir, undefined);
    expect(replaced.source).toBe("created");
    expect(readFileSync(file, "utf8").trim()).toBe(replaced.secret);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    writeFileSync(file, `${"d".repeat(40)}\n`, { mode: 0o644 });
    chmodSync(file, 0o644);
    expect(demoSessionSecret(dir, undefined)).toMatchObject({ source: "file", secret: "d".repeat(40) });
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });
});
