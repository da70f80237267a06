// Every DuckDB instance Larder opens has run-time extension installing and loading off (issue 13
// item 9): the shared one too, not only the sandbox, and no module opens one elsewhere.
import { readFileSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { withDuckConnection } from "./instance";

const ROOT = path.resolve(import.meta.dirname, "../..");

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) return name === "node_modules" || name === "generated" ? [] : sources(p);
    return /\.tsx?$/.test(name) && !/\.test\.ts$/.test(name) ? [p] : [];
  });
}

describe("the shared DuckDB instance", () => {
  it("never installs or loads an extension at run time", async () => {
    const r = await withDuckConnection(async (c) =>
      (
        await c.runAndReadAll(
          "SELECT current_setting('autoinstall_known_extensions') AS i, current_setting('autoload_known_extensions') AS a, current_setting('allow_community_extensions') AS c",
        )
      ).getRowObjectsJson()[0],
    );
    expect(r).toEqual({ i: false, a: false, c: false });
  });

  it("answers a URL with an error instead of fetching httpfs and the URL", async () => {
    await withDuckConnection(async (c) => {
      const err = await c.run("SELECT * FROM read_csv('https://extensions.duckdb.org/nothing.csv')").then(
        () => null,
        (e: Error) => e.message,
      );
      // With autoinstall on, DuckDB first tries to download httpfs ("Extension Autoloading Error").
      expect(err).toMatch(/^Missing Extension Error: .*requires the extension httpfs/);
      expect(err).not.toMatch(/download|automatically install/i);
      const loaded = (await c.runAndReadAll("SELECT extension_name FROM duckdb_extensions() WHERE loaded AND install_mode <> 'STATICALLY_LINKED'")).getRows();
      expect(loaded).toEqual([]);
    });
  });

  it("is the only DuckDBInstance.create besides the sandbox's, and both take NO_RUNTIME_EXTENSIONS", () => {
    const creators = ["lib", "bin", "workers", "bench", "app"]
      .flatMap((d) => sources(path.join(ROOT, d)))
      .filter((f) => /DuckDBInstance\.create\(/.test(readFileSync(f, "utf8")))
      .map((f) => path.relative(ROOT, f))
      .sort();
    expect(creators).toEqual(["lib/duckdb/instance.ts", "lib/duckdb/sandbox.ts"]);
    for (const f of creators) expect(readFileSync(path.join(ROOT, f), "utf8"), f).toMatch(/DuckDBInstance\.create\((?:(?!\}\);)[\s\S])*NO_RUNTIME_EXTENSIONS/);
  });
});
