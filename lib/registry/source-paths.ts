// File sources name a path, glob or URI. Relative paths are relative to the repo folder when the
// CLI loads a repo, and to the server's working directory when a repo arrives over HTTP (contract).
import path from "node:path";
import type { RepoDef, SourceDef } from "./repo-schema";

/** `s3://…`, `gs://…`, `https://…`: left as is. */
export function isUri(p: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(p);
}

export function resolveSourcePath(p: string, baseDir: string): string {
  if (isUri(p) || path.isAbsolute(p)) return p;
  return path.resolve(baseDir, p);
}

/** A copy of the repo whose file-source paths are absolute (or URIs). */
export function resolveSourcePaths(repo: RepoDef, baseDir: string): RepoDef {
  return {
    ...repo,
    sources: repo.sources.map((s): SourceDef =>
      s.kind === "parquet" || s.kind === "csv" ? { ...s, path: resolveSourcePath(s.path, baseDir) } : s,
    ),
  };
}
