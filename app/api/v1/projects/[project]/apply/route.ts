import { applyRepoEndpoint } from "@/lib/api/endpoints/registry-write";
import { handle } from "@/lib/api/handle";
import { badRequest } from "@/lib/errors";
import { applyRepo } from "@/lib/registry/apply-repo";

export const POST = handle(applyRepoEndpoint, async ({ project, body, principal }) => {
  if (body.repo.project !== project.name) {
    throw badRequest(`The repo is for project "${body.repo.project}" but the path names "${project.name}".`, [
      { name: "repo.project", reason: `must be "${project.name}"` },
    ]);
  }
  return applyRepo({ repo: body.repo, prune: body.prune, origins: body.origins, actor: principal });
});
