// The import graph of lib/ goes one way (docs/architecture.md, "Layers"): infrastructure at the
// bottom, then lib/shared, then the domains in a fixed order, then the transports on top. A module
// may import only from its own folder or from folders listed BEFORE its own; any upward import
// fails this test with the file, the import and the rule. Test files and test/support are exempt
// (tests may reach anywhere), but no library module may import test code.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

/** Lowest first. Each entry is a folder under lib/. */
export const LAYERS: { layer: string; folders: string[] }[] = [
  { layer: "infrastructure", folders: ["config", "errors", "db", "redis", "duckdb", "queues"] },
  { layer: "shared", folders: ["shared"] },
  { layer: "domains", folders: ["auth", "audit", "search", "registry", "lineage", "quality", "offline", "online", "materialize", "preview", "alerts", "jobs", "monitoring", "admin"] },
  { layer: "transport", folders: ["api", "client", "console", "cli", "devstack"] },
];

const ORDER = LAYERS.flatMap((l) => l.folders);
const LAYER_OF = new Map(LAYERS.flatMap((l) => l.folders.map((f) => [f, l.layer])));
const ROOT = path.resolve(import.meta.dirname, "..");

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) {
      if (e.name !== "generated" && e.name !== "node_modules") out.push(...sourceFiles(p));
    } else if (/\.tsx?$/.test(e.name) && !/\.test\.tsx?$/.test(e.name)) out.push(p);
  }
  return out;
}

/** Every lib/ import of every non-test lib module: [file, imported path relative to the repo]. */
function libImports(): { file: string; from: string; to: string }[] {
  const edges: { file: string; from: string; to: string }[] = [];
  for (const file of sourceFiles(path.join(ROOT, "lib"))) {
    const src = fs.readFileSync(file, "utf8");
    for (const m of src.matchAll(/(?:^|\n)\s*(?:import|export)[^"'`;]*?from\s*["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g)) {
      const spec = m[1] ?? m[2];
      let target: string;
      if (spec.startsWith("@/")) target = spec.slice(2);
      else if (spec.startsWith(".")) target = path.relative(ROOT, path.resolve(path.dirname(file), spec));
      else continue;
      edges.push({ file: path.relative(ROOT, file), from: path.relative(ROOT, file).split(path.sep)[1], to: target });
    }
  }
  return edges;
}

describe("lib/ layers", () => {
  const edges = libImports();

  it("knows every folder of lib/", () => {
    const folders = fs.readdirSync(path.join(ROOT, "lib"), { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
    expect(folders.filter((f) => !LAYER_OF.has(f)), "add new lib/ folders to LAYERS (and docs/architecture.md)").toEqual([]);
  });

  it("imports only downward", () => {
    const upward = edges
      .filter((e) => e.to.startsWith("lib/"))
      .map((e) => ({ ...e, toFolder: e.to.split("/")[1] }))
      .filter((e) => e.toFolder !== e.from && ORDER.indexOf(e.toFolder) > ORDER.indexOf(e.from))
      .map((e) => `${e.file} imports ${e.to} (${LAYER_OF.get(e.from)} ${e.from} may not import ${LAYER_OF.get(e.toFolder)} ${e.toFolder}, which sits above it)`);
    expect(upward).toEqual([]);
  });

  it("never imports test code", () => {
    expect(edges.filter((e) => e.to.startsWith("test/")).map((e) => `${e.file} imports ${e.to}`)).toEqual([]);
  });

  it("fails on an upward import (the check itself works)", () => {
    const order = (f: string) => ORDER.indexOf(f);
    expect(order("registry")).toBeLessThan(order("online"));
    expect(order("api")).toBeGreaterThan(order("jobs"));
    expect(order("config")).toBe(0);
  });
});
