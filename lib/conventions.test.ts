// Conventions that hold mechanically (docs/architecture.md, "Conventions"):
// - every server module imports "server-only" (so a client component can never pull one into the
//   browser bundle): everything under lib/ except the SDK (lib/client), the console's browser
//   helpers (lib/console), pure shared helpers, and modules that client components import;
// - no module cites a design document that is not in the repository;
// - library code logs through lib/config/log.ts, not console.* (the CLI and the demo print output).
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(import.meta.dirname, "..");

function files(dir: string, test = false): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
    const rel = path.join(dir, e.name);
    if (e.isDirectory()) {
      if (!["generated", "node_modules"].includes(e.name)) out.push(...files(rel, test));
    } else if (/\.tsx?$/.test(e.name) && !e.name.endsWith(".d.ts") && test === /\.test\.tsx?$/.test(e.name)) out.push(rel);
  }
  return out;
}

const read = (f: string) => fs.readFileSync(path.join(ROOT, f), "utf8");

function resolve(from: string, spec: string): string | null {
  let base: string;
  if (spec.startsWith("@/")) base = spec.slice(2);
  else if (spec.startsWith(".")) base = path.join(path.dirname(from), spec);
  else return null;
  for (const c of [`${base}.ts`, `${base}.tsx`, `${base}/index.ts`, base]) if (fs.existsSync(path.join(ROOT, c)) && fs.statSync(path.join(ROOT, c)).isFile()) return c;
  return null;
}

/** Modules a "use client" module imports (as values, transitively). */
function clientReachable(): Set<string> {
  const all = [...files("lib"), ...files("components"), ...files("app")];
  const seen = new Set<string>();
  const stack = all.filter((f) => /^["']use client["']/m.test(read(f)));
  while (stack.length) {
    const f = stack.pop()!;
    if (seen.has(f)) continue;
    seen.add(f);
    for (const m of read(f).matchAll(/(?:^|\n)\s*import\s+(type\s+)?[^"';]*?from\s*["']([^"']+)["']/g)) {
      if (m[1]) continue;
      const t = resolve(f, m[2]);
      if (t) stack.push(t);
    }
  }
  return seen;
}

describe("conventions", () => {
  it('server modules import "server-only"', () => {
    const client = clientReachable();
    const exempt = (f: string) => f.startsWith("lib/client/") || f.startsWith("lib/console/") || (f.startsWith("lib/shared/") && !/from "\.\.\/(config|db|redis|duckdb)\//.test(read(f)));
    const missing = files("lib").filter((f) => !client.has(f) && !exempt(f) && !read(f).includes('import "server-only"'));
    expect(missing, 'add import "server-only" (or, for a module the console needs in the browser, import it from a client component)').toEqual([]);
    const leaking = [...client].filter((f) => f.startsWith("lib/") && read(f).includes('import "server-only"'));
    expect(leaking, "client components import these server-only modules").toEqual([]);
  });

  it("cites docs/, not a design brief outside the repository", () => {
    const cites = [...files("lib"), ...files("lib", true), ...files("app"), ...files("components"), ...files("workers"), ...files("bin"), ...files("test"), ...files("e2e")].filter((f) => /DESIGN(\.md| §)/.test(read(f)));
    expect(cites).toEqual([]);
  });

  it("library code logs through the logger", () => {
    const consoles = files("lib")
      .filter((f) => !f.startsWith("lib/cli/") && !f.startsWith("lib/devstack/") && f !== "lib/config/env.ts")
      .filter((f) => /\bconsole\.(log|info|warn|error|debug)\(/.test(read(f)));
    expect(consoles).toEqual([]);
  });
});
