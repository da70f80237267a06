// Reads a feature repo folder: every *.yaml / *.yml file (recursively, skipping `data/` folders,
// hidden files and node_modules), parsed with `yaml`, validated with RepoFileDef, merged into one
// RepoDef. Every problem of every file is collected before failing.
import "server-only";
import { readdir, readFile, stat } from "node:fs/promises";
import path from "node:path";
import { parseDocument } from "yaml";
import { LarderError, type InvalidParam } from "../errors";
import { RepoDef, RepoFileDef } from "./repo-schema";
import { REPO_SECTIONS, SECTION_KIND, emptyOrigins, formatPath, type RepoOrigins } from "./repo-origins";
import { resolveSourcePaths } from "./source-paths";

export interface LoadedRepo {
  /** The merged repo, file-source paths resolved to absolute paths. */
  repo: RepoDef;
  /** Which file (relative to dir) and file-local index every object came from. */
  origins: RepoOrigins;
  /** Absolute path of the repo folder. */
  dir: string;
  /** The YAML files read, relative to dir, in merge order. */
  files: string[];
}

const SKIPPED_DIRS = new Set(["data", "node_modules"]);

async function listYamlFiles(dir: string, rel = ""): Promise<string[]> {
  const entries = await readdir(path.join(dir, rel), { withFileTypes: true });
  const out: string[] = [];
  for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    if (e.name.startsWith(".")) continue;
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) {
      if (!SKIPPED_DIRS.has(e.name)) out.push(...(await listYamlFiles(dir, r)));
    } else if (e.isFile() && /\.ya?ml$/i.test(e.name)) {
      out.push(r);
    }
  }
  return out;
}

function objectLabel(raw: unknown, path: readonly PropertyKey[]): string | undefined {
  const [section, index] = path;
  if (typeof section !== "string" || typeof index !== "number" || !(section in SECTION_KIND)) return undefined;
  const list = (raw as Record<string, unknown> | null)?.[section];
  const item = Array.isArray(list) ? (list[index] as { name?: unknown } | undefined) : undefined;
  const name = typeof item?.name === "string" ? item.name : `#${index}`;
  return `${SECTION_KIND[section as keyof typeof SECTION_KIND]} ${name}`;
}

/** Loads, validates (structurally) and merges a repo folder. Throws validation_failed listing every problem. */
export async function loadRepo(dirArg: string): Promise<LoadedRepo> {
  const dir = path.resolve(dirArg);
  const st = await stat(dir).catch(() => null);
  if (!st?.isDirectory()) throw new LarderError("bad_request", `"${dirArg}" is not a folder; pass the folder that holds the repo's YAML files.`);
  const files = await listYamlFiles(dir);
  if (files.length === 0) throw new LarderError("bad_request", `No *.yaml or *.yml files in "${dirArg}".`);

  const problems: InvalidParam[] = [];
  const merged: Record<string, unknown[]> = Object.fromEntries(REPO_SECTIONS.map((s) => [s, []]));
  const origins = emptyOrigins();
  let project: { name: string; file: string } | undefined;
  let description: { text: string; file: string } | undefined;

  for (const file of files) {
    const text = await readFile(path.join(dir, file), "utf8");
    const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
    if (doc.errors.length > 0) {
      for (const e of doc.errors) {
        const pos = e.linePos?.[0];
        problems.push({
          name: pos ? `line ${pos.line}, column ${pos.col}` : "(yaml)",
          reason: `YAML syntax error: ${e.message.split("\n")[0].replace(/ at line \d+, column \d+:?$/, "")}`,
          file,
        });
      }
      continue;
    }
    const raw = doc.toJS() ?? {};
    const parsed = RepoFileDef.safeParse(raw);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const label = objectLabel(raw, issue.path);
        problems.push({ name: formatPath(issue.path), reason: issue.message, file, ...(label ? { object: label } : {}) });
      }
      continue;
    }
    const f = parsed.data;
    if (f.project !== undefined) {
      if (project && project.name !== f.project) {
        problems.push({
          name: "project",
          reason: `project "${f.project}" differs from "${project.name}" declared in ${project.file}; all files of a repo belong to one project`,
          file,
        });
      } else project ??= { name: f.project, file };
    }
    if (f.description) {
      if (description && description.text !== f.description) {
        problems.push({ name: "description", reason: `the project description is already set in ${description.file}; set it in one file`, file });
      } else description ??= { text: f.description, file };
    }
    for (const section of REPO_SECTIONS) {
      (f[section] as unknown[]).forEach((obj, index) => {
        merged[section].push(obj);
        origins[section].push({ file, index });
      });
    }
  }
  if (!project && problems.length === 0) {
    problems.push({ name: "project", reason: `no file declares the project; add "project: <name>" to one of: ${files.join(", ")}` });
  }
  if (problems.length > 0) {
    throw new LarderError("validation_failed", `The repo in "${dirArg}" has ${problems.length} problem${problems.length === 1 ? "" : "s"}.`, {
      invalidParams: problems,
    });
  }
  origins.project = project!.file;
  const repo = RepoDef.parse({ project: project!.name, description: description?.text ?? "", ...merged });
  return { repo: resolveSourcePaths(repo, dir), origins, dir, files };
}
