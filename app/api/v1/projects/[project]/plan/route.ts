import { planRepoEndpoint } from "@/lib/api/endpoints/registry-write";
import { handle } from "@/lib/api/handle";
import { badRequest } from "@/lib/errors";
import { planRepo } from "@/lib/registry/plan-repo";

export const POST = handle(planRepoEndpoint, async ({ project, body }) => {
  if (body.repo.project !== project.name) {
    throw badRequest(`The repo is for project "${body.repo.project}" but the path names "${project.name}".`, [
      { name: "repo.project", reason: `must be "${project.name}"` },
    ]);
  }
  return planRepo({ repo: body.repo, prune: body.prune, origins: body.origins });
});
