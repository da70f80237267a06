import { addMember as addMemberEndpoint, listMembers as listMembersEndpoint } from "@/lib/api/endpoints/admin";
import { handle } from "@/lib/api/handle";
import { addMember } from "@/lib/admin/add-member";
import { listMembers } from "@/lib/admin/list-members";

export const GET = handle(listMembersEndpoint, async ({ project, query }) => listMembers(project.id, query));

export const POST = handle(addMemberEndpoint, async ({ project, body, principal }) => addMember(project, body, principal));
