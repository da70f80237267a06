// Permissions are data: resource.action → the minimum project role that may do it (docs/access-control.md).
// Every route, server action and page asks authorize() with one of these keys.
import "server-only";
import type { Role } from "../db/generated/enums";

export const ROLES = ["viewer", "consumer", "operator", "editor", "admin"] as const satisfies readonly Role[];
export type { Role };

export const ROLE_RANK: Record<Role, number> = { viewer: 1, consumer: 2, operator: 3, editor: 4, admin: 5 };

/** Project-scoped permissions: the minimum role a member (or a token scoped to the project) needs. */
export const PROJECT_PERMISSIONS = {
  "catalog.read": "viewer",
  "jobs.read": "viewer",
  "alerts.subscribe": "viewer",
  "features.read": "consumer",
  "features.push": "operator",
  "jobs.run": "operator",
  "jobs.cancel": "operator",
  "definitions.plan": "editor",
  "definitions.apply": "editor",
  "definitions.edit": "editor",
  /** Making a view restricted or lifting its restriction (by apply or a metadata edit). */
  "definitions.restrict": "admin",
  "members.read": "admin",
  "members.manage": "admin",
  "tokens.manage": "admin",
  "alerts.manage": "admin",
  "audit.read": "admin",
} as const satisfies Record<string, Role>;

export type ProjectPermission = keyof typeof PROJECT_PERMISSIONS;

/** Permissions that are not about one project. */
export const INSTANCE_PERMISSIONS = {
  /** Anyone, signed in or not (login, health, OpenAPI document). */
  public: "anyone",
  /** Any signed-in user or valid token (own profile, list of own projects, search over own projects). */
  authenticated: "authenticated",
  /** Instance admins only (create projects, manage users). */
  "instance.admin": "instance_admin",
} as const;

export type InstancePermission = keyof typeof INSTANCE_PERMISSIONS;
export type Permission = ProjectPermission | InstancePermission;

export function isProjectPermission(p: Permission): p is ProjectPermission {
  return p in PROJECT_PERMISSIONS;
}

export function roleAtLeast(role: Role, min: Role): boolean {
  return ROLE_RANK[role] >= ROLE_RANK[min];
}

export function lowerRole(a: Role, b: Role): Role {
  return ROLE_RANK[a] <= ROLE_RANK[b] ? a : b;
}
