// Where file sources may point (docs/security.md, "Data roots"). Editors write source paths, so a
// path is hostile until shown to lie inside a data root the project may read (DATA_ROOTS): checked
// lexically after normalisation (no `..` escape), then physically (the real path of its longest
// existing prefix, so a symlink inside a root cannot lead out of it), and never inside the offline
// store (every project's features, pushed rows and job results live there) or another project's
// own root. The DuckDB sandbox (lib/duckdb/sandbox.ts) enforces the same roots again on every read.
import "server-only";
import { realpathSync } from "node:fs";
import path from "node:path";
import { env } from "../config/env";
import { offlineRoot } from "../shared/offline-layout";
import { LarderError } from "../errors";

export interface DataRoot {
  /** Absolute folder, as configured (symlinks not resolved). */
  dir: string;
  /** The folder with symlinks resolved (equal to dir while it does not exist). */
  real: string;
  /** Only this project may read it; null = every project. */
  project: string | null;
}

/** The real path of `p`'s longest existing ancestor joined with the rest (p need not exist). */
export function physicalPath(p: string): string {
  const rest: string[] = [];
  let cur = p;
  for (;;) {
    try {
      return path.join(realpathSync(cur), ...rest.reverse());
    } catch {
      const parent = path.dirname(cur);
      if (parent === cur) return p;
      rest.push(path.basename(cur));
      cur = parent;
    }
  }
}

/** `child` is `dir` or lies below it (both absolute and normalised). */
export function isWithin(child: string, dir: string): boolean {
  const rel = path.relative(dir, child);
  return rel === "" || (!rel.startsWith("..") && !path.isAbsolute(rel));
}

export function offlineStoreRoot(): { dir: string; real: string } {
  const dir = offlineRoot();
  return { dir, real: physicalPath(dir) };
}

/**
 * Every configured root, absolute. Refuses (throws) a configuration that would expose the offline
 * store or let one project's root reach into another's: that is an operator mistake, not a request
 * to answer.
 */
export function dataRoots(): DataRoot[] {
  const roots = env().DATA_ROOTS.map((r) => {
    const dir = path.resolve(r.dir);
    return { dir, real: physicalPath(dir), project: r.project };
  });
  const store = offlineStoreRoot();
  for (const r of roots) {
    if (isWithin(store.real, r.real) || isWithin(r.real, store.real) || isWithin(store.dir, r.dir) || isWithin(r.dir, store.dir)) {
      throw new Error(`DATA_ROOTS: ${r.dir} overlaps the offline store (${store.dir}); data roots must lie outside OFFLINE_STORE_URI.`);
    }
    for (const o of roots) {
      if (o === r || o.project === null || o.project === r.project) continue;
      if (isWithin(o.real, r.real) || isWithin(o.dir, r.dir)) {
        throw new Error(`DATA_ROOTS: ${r.dir}${r.project ? ` (project ${r.project})` : ""} contains ${o.dir}, the root of project ${o.project}; roots of different projects must not nest.`);
      }
    }
  }
  return roots;
}

/** The roots a project's sources may read. */
export function rootsForProject(project: string): DataRoot[] {
  return dataRoots().filter((r) => r.project === null || r.project === project);
}

/** How the allowed roots are named in error messages (the editor needs to know where to put files). */
export function describeRoots(project: string): string {
  const roots = rootsForProject(project);
  return roots.length ? roots.map((r) => r.dir).join(", ") : "(none configured for this project: set DATA_ROOTS)";
}

const GLOB_CHARS = /[*?[\]{}]/;
const CONTROL = /[\u0000-\u001f\u007f]/;

/** The part of a (normalised, absolute) glob before its first segment with a wildcard. */
export function globPrefix(p: string): string {
  const parts = p.split(path.sep);
  const i = parts.findIndex((s) => GLOB_CHARS.test(s));
  if (i === -1) return p;
  return parts.slice(0, i).join(path.sep) || path.sep;
}

export type SourcePathCheck = { ok: true; path: string } | { ok: false; reason: string };

/**
 * Resolves a file source's path (relative paths against baseDir) and checks it may be read by the
 * project. The reason of a refusal names the allowed roots and never the file's contents.
 */
export function checkSourcePath(project: string, raw: string, baseDir: string): SourcePathCheck {
  const roots = rootsForProject(project);
  const allowed = `paths must lie inside a data root of this project: ${describeRoots(project)}`;
  if (CONTROL.test(raw)) return { ok: false, reason: `the path contains control characters; ${allowed}` };
  if (/^[a-z][a-z0-9+.-]*:/i.test(raw)) {
    return { ok: false, reason: `URIs and drive letters (${raw.split(":")[0]}:…) are not supported for file sources; use a file path (${allowed})` };
  }
  const abs = path.resolve(baseDir, raw);
  const prefix = globPrefix(abs);
  const store = offlineStoreRoot();
  if (isWithin(abs, store.dir) || isWithin(prefix, store.dir) || isWithin(physicalPath(prefix), store.real)) {
    return { ok: false, reason: `the path points into Larder's offline store, which sources may not read; ${allowed}` };
  }
  const inRoot = roots.find((r) => isWithin(prefix, r.dir) || isWithin(prefix, r.real));
  if (!inRoot) return { ok: false, reason: `the path resolves outside the data roots; ${allowed}` };
  const physical = physicalPath(prefix);
  if (!roots.some((r) => isWithin(physical, r.real))) {
    return { ok: false, reason: `the path leads out of the data roots through a symbolic link; ${allowed}` };
  }
  return { ok: true, path: abs };
}

/** Throws a 400 naming the field and the allowed roots unless the path may be read. */
export function confineSourcePath(project: string, raw: string, baseDir: string, field = "path"): string {
  const r = checkSourcePath(project, raw, baseDir);
  if (r.ok) return r.path;
  throw new LarderError("bad_request", `Source path "${raw}" is not allowed: ${r.reason}.`, { invalidParams: [{ name: field, reason: r.reason }] });
}

/** Roots (real paths, with a trailing separator) the project's sandbox may read. */
export function sandboxRootsFor(project: string): string[] {
  return rootsForProject(project).map((r) => (r.real.endsWith(path.sep) ? r.real : r.real + path.sep));
}
