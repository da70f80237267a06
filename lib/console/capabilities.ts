// What the caller may do in one project, computed on the server with the same can() the API
// uses, and handed to client components so they hide controls the server would refuse anyway.
import "server-only";
import { can } from "@/lib/auth/authorize";
import { PROJECT_PERMISSIONS, type ProjectPermission, type Role } from "@/lib/auth/permissions";
import type { Principal } from "@/lib/auth/principal";

export type Capabilities = Record<ProjectPermission, boolean>;

export interface ProjectAccess {
  project: string;
  /** The caller's role; "admin" for instance admins who are not members. */
  role: Role | null;
  isInstanceAdmin: boolean;
  /** The signed-in user (null for tokens), so pages can tell the caller's own membership apart. */
  userId: string | null;
  can: Capabilities;
  /** The minimum role of each permission (the server's table), to explain roles where they are granted. */
  minRole: Record<ProjectPermission, Role>;
}

export function projectAccess(principal: Principal, project: { id: string; name: string }): ProjectAccess {
  const grant = principal.kind === "anonymous" ? undefined : principal.grants.find((g) => g.projectId === project.id);
  const caps = {} as Capabilities;
  for (const perm of Object.keys(PROJECT_PERMISSIONS) as ProjectPermission[]) caps[perm] = can(principal, perm, project);
  const isInstanceAdmin = principal.kind === "user" && principal.isAdmin;
  return { project: project.name, role: grant?.role ?? (isInstanceAdmin ? "admin" : null), isInstanceAdmin, userId: principal.kind === "user" ? principal.userId : null, can: caps, minRole: { ...PROJECT_PERMISSIONS } };
}
