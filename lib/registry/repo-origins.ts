// Where each object of a merged repo came from, so validation errors can name the file. Kept as a
// JSON-friendly side structure aligned with the merged arrays (index i of `feature_views` ↔
// `origins.feature_views[i]`), so the CLI can send it along with the repo over HTTP.
import "server-only";
import { z } from "zod";
import type { InvalidParam } from "../errors";

export const REPO_SECTIONS = ["entities", "sources", "feature_views", "feature_services", "models"] as const;
export type RepoSection = (typeof REPO_SECTIONS)[number];

/** The object kind of each repo section, as used in plans, audit rows and error messages. */
export const SECTION_KIND = {
  entities: "entity",
  sources: "source",
  feature_views: "feature_view",
  feature_services: "feature_service",
  models: "model",
} as const satisfies Record<RepoSection, string>;
export type ObjectKind = (typeof SECTION_KIND)[RepoSection];

export const ObjectOrigin = z.object({ file: z.string().max(1000), index: z.number().int().min(0) }).strict();
export type ObjectOrigin = z.infer<typeof ObjectOrigin>;

export const RepoOrigins = z
  .object({
    entities: z.array(ObjectOrigin).default([]),
    sources: z.array(ObjectOrigin).default([]),
    feature_views: z.array(ObjectOrigin).default([]),
    feature_services: z.array(ObjectOrigin).default([]),
    models: z.array(ObjectOrigin).default([]),
    /** The file that declared `project`. */
    project: z.string().max(1000).optional(),
  })
  .strict();
export type RepoOrigins = z.infer<typeof RepoOrigins>;

export function emptyOrigins(): RepoOrigins {
  return { entities: [], sources: [], feature_views: [], feature_services: [], models: [] };
}

/** `["feature_views", 2, "aggregations", 0, "column"]` → `feature_views[2].aggregations[0].column`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const p of path) {
    if (typeof p === "number") out += `[${p}]`;
    else out += out ? `.${String(p)}` : String(p);
  }
  return out || "(root)";
}

/** Builds InvalidParams for objects of a merged repo, naming file-local positions when known. */
export class ProblemList {
  readonly items: InvalidParam[] = [];
  constructor(private readonly origins?: RepoOrigins) {}

  /** A problem in `section[index]` (merged index) at `rest` (e.g. ["aggregations", 0, "column"]). */
  at(section: RepoSection, index: number, objectName: string, rest: readonly PropertyKey[], reason: string): void {
    const origin = this.origins?.[section]?.[index];
    const idx = origin ? origin.index : index;
    this.items.push({
      name: formatPath([section, idx, ...rest]),
      reason,
      ...(origin ? { file: origin.file } : {}),
      object: `${SECTION_KIND[section]} ${objectName}`,
    });
  }

  add(p: InvalidParam): void {
    this.items.push(p);
  }

  fileOf(section: RepoSection, index: number): string | undefined {
    return this.origins?.[section]?.[index]?.file;
  }
}
