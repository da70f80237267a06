// File sources name a path or glob. Relative paths are relative to the repo folder when the CLI
// loads a repo (it sends them absolute), and to the server's working directory when a repo arrives
// over HTTP. On the server every path is then confined to the project's data roots
// (data-roots.ts): one that escapes is a 400 before anything reads it.
import "server-only";
import path from "node:path";
import { LarderError, type InvalidParam } from "../errors";
import { checkSourcePath } from "./data-roots";
import type { RepoOrigins } from "./repo-origins";
import type { RepoDef, SourceDef } from "./repo-schema";

/** `s3://…`, `gs://…`, `https://…`, `file://…`. */
export function isUri(p: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(p);
}

export function resolveSourcePath(p: string, baseDir: string): string {
  if (isUri(p) || path.isAbsolute(p)) return p;
  return path.resolve(baseDir, p);
}

/** A copy of the repo whose file-source paths are absolute (or URIs, which the server refuses). */
export function resolveSourcePaths(repo: RepoDef, baseDir: string): RepoDef {
  return {
    ...repo,
    sources: repo.sources.map((s): SourceDef =>
      s.kind === "parquet" || s.kind === "csv" ? { ...s, path: resolveSourcePath(s.path, baseDir) } : s,
    ),
  };
}

/**
 * The repo with every file-source path absolute and inside the project's data roots; otherwise a
 * 400 listing each refused path (field, object, file) and the allowed roots.
 */
export function confineSourcePaths(repo: RepoDef, baseDir: string, origins?: RepoOrigins): RepoDef {
  const problems: InvalidParam[] = [];
  const sources = repo.sources.map((s, i): SourceDef => {
    if (s.kind !== "parquet" && s.kind !== "csv") return s;
    const r = checkSourcePath(repo.project, s.path, baseDir);
    if (r.ok) return { ...s, path: r.path };
    const file = origins?.sources?.[i]?.file;
    problems.push({ name: `sources[${i}].path`, reason: r.reason, object: `source ${s.name}`, ...(file ? { file } : {}) });
    return s;
  });
  if (problems.length) {
    throw new LarderError(
      "bad_request",
      `${problems.length === 1 ? "A source path is" : `${problems.length} source paths are`} not allowed: ${problems.map((p) => `${p.object}: ${p.reason}`).join("; ")}.`,
      { invalidParams: problems },
    );
  }
  return { ...repo, sources };
}
