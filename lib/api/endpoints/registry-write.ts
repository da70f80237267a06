// Definitions as code over HTTP: plan and apply a repo, and in-place metadata edits.
import "server-only";
import { z } from "zod";
import { endpoint, type Endpoint } from "../endpoint";
import { ApplyResult, Plan, ViewMetadata, ViewMetadataPatch } from "../../registry/plan-schema";
import { RepoOrigins } from "../../registry/repo-origins";
import { RepoDef } from "../../registry/repo-schema";

const ProjectParams = z.object({ project: z.string().min(1) });

export const RepoRequest = z
  .object({
    /** The whole repo (all YAML files merged). `repo.project` must equal the path's project. */
    repo: RepoDef,
    /** Archive objects the repo no longer defines. */
    prune: z.boolean().default(false),
    /** Which file each object came from (sent by the CLI so errors can name files). */
    origins: RepoOrigins.optional(),
  })
  .strict();
export type RepoRequest = z.infer<typeof RepoRequest>;

export const planRepoEndpoint = endpoint({
  id: "planRepo",
  method: "POST",
  path: "/api/v1/projects/{project}/plan",
  permission: "definitions.plan",
  summary: "Validate a feature repo and show what apply would do (create, new version, update, unchanged, archive). Writes nothing.",
  tags: ["registry"],
  params: ProjectParams,
  body: RepoRequest,
  response: Plan,
});

export const applyRepoEndpoint = endpoint({
  id: "applyRepo",
  method: "POST",
  path: "/api/v1/projects/{project}/apply",
  permission: "definitions.apply",
  summary: "Apply a feature repo in one transaction: value changes create new feature view versions, metadata is edited in place.",
  tags: ["registry"],
  params: ProjectParams,
  body: RepoRequest,
  response: ApplyResult,
});

export const updateFeatureViewEndpoint = endpoint({
  id: "updateFeatureView",
  method: "PATCH",
  path: "/api/v1/projects/{project}/feature-views/{view}",
  permission: "definitions.edit",
  summary: "Edit a feature view's description, owner or tags in place (audited; no new version).",
  tags: ["registry"],
  params: z.object({ project: z.string().min(1), view: z.string().min(1) }),
  body: ViewMetadataPatch,
  response: ViewMetadata,
});

export const registryWriteEndpoints: Endpoint[] = [planRepoEndpoint, applyRepoEndpoint, updateFeatureViewEndpoint];
