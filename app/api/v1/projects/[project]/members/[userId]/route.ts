import { removeMember as removeMemberEndpoint, updateMember as updateMemberEndpoint } from "@/lib/api/endpoints/admin";
import { handle } from "@/lib/api/handle";
import { removeMember } from "@/lib/admin/remove-member";
import { updateMember } from "@/lib/admin/update-member";

export const PATCH = handle(updateMemberEndpoint, async ({ project, params, body, principal }) =>
  updateMember(project, params.userId, body, principal),
);

export const DELETE = handle(removeMemberEndpoint, async ({ project, params, principal }) => removeMember(project, params.userId, principal));
