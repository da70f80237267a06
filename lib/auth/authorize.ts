// The one authorization check. Routes, server actions and pages all call authorize() or can().
import "server-only";
import { forbidden, unauthenticated } from "../errors";
import {
  INSTANCE_PERMISSIONS,
  PROJECT_PERMISSIONS,
  isProjectPermission,
  roleAtLeast,
  type Permission,
} from "./permissions";
import { grantFor, type Principal } from "./principal";

export interface ProjectRef {
  id: string;
  name: string;
}

/** Throws `unauthenticated` (401) or `forbidden` (403) unless the principal holds the permission. */
export function authorize(principal: Principal, permission: Permission, project?: ProjectRef): void {
  if (!isProjectPermission(permission)) {
    const rule = INSTANCE_PERMISSIONS[permission];
    if (rule === "anyone") return;
    if (principal.kind === "anonymous") throw unauthenticated();
    if (rule === "authenticated") return;
    if (principal.kind === "user" && principal.isAdmin) return;
    throw forbidden("This needs an instance administrator.");
  }
  if (!project) throw new Error(`authorize(${permission}) needs a project`);
  if (principal.kind === "anonymous") throw unauthenticated();
  if (principal.kind === "user" && principal.isAdmin) return;
  const grant = grantFor(principal, project.id);
  if (!grant) {
    throw forbidden(
      principal.kind === "token"
        ? `This token is not valid for project "${project.name}".`
        : `You are not a member of project "${project.name}".`,
    );
  }
  const min = PROJECT_PERMISSIONS[permission];
  if (!roleAtLeast(grant.role, min)) {
    throw forbidden(`This needs the ${min} role in project "${project.name}"; you have ${grant.role}.`);
  }
}

export function can(principal: Principal, permission: Permission, project?: ProjectRef): boolean {
  try {
    authorize(principal, permission, project);
    return true;
  } catch {
    return false;
  }
}

/** Restricted views expose values only to members granted them explicitly (and to admins). */
export function canReadRestrictedView(principal: Principal, project: ProjectRef, viewName: string): boolean {
  if (principal.kind === "user" && principal.isAdmin) return true;
  const grant = grantFor(principal, project.id);
  if (!grant) return false;
  return grant.role === "admin" || grant.restrictedGrants.includes(viewName);
}
