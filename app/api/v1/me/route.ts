import { handle } from "@/lib/api/handle";
import { getMe } from "@/lib/api/endpoints/auth";

export const GET = handle(getMe, async ({ principal }) => {
  if (principal.kind === "anonymous") throw new Error("unreachable: authenticated permission");
  return {
    kind: principal.kind,
    email: principal.email,
    isAdmin: principal.isAdmin,
    projects: principal.grants.map((g) => ({ name: g.projectName, role: g.role })),
  };
});
