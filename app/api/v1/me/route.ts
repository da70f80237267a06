import { handle } from "@/lib/api/handle";
import { getMe } from "@/lib/api/endpoints/auth";
import { authenticated } from "@/lib/auth/principal";

export const GET = handle(getMe, async ({ principal }) => {
  const me = authenticated(principal);
  return {
    kind: me.kind,
    email: me.email,
    isAdmin: me.isAdmin,
    projects: me.grants.map((g) => ({ name: g.projectName, role: g.role })),
  };
});
