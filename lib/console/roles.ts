// The project roles explained where they are granted (members, tokens): what each role adds to the
// one below it, derived from the permission table the server enforces (lib/auth/permissions.ts,
// handed to the page as ProjectAccess.minRole), so the explanation cannot drift from the rules.
import type { ProjectPermission, Role } from "@/lib/auth/permissions";

export const ROLE_ORDER: Role[] = ["viewer", "consumer", "operator", "editor", "admin"];

/** Every project permission in words; a new permission fails to compile until it has one. */
export const PERMISSION_LABEL: Record<ProjectPermission, string> = {
  "catalog.read": "browse the catalog and lineage",
  "jobs.read": "see jobs",
  "alerts.subscribe": "subscribe to alerts",
  "features.read": "read feature values (online and historical)",
  "features.push": "push feature values",
  "jobs.run": "run materializations and backfills",
  "jobs.cancel": "cancel jobs",
  "definitions.plan": "plan definitions",
  "definitions.apply": "apply definitions",
  "definitions.edit": "edit descriptions, owners and tags",
  "definitions.restrict": "restrict views",
  "members.read": "see members",
  "members.manage": "manage members",
  "tokens.manage": "manage API tokens",
  "alerts.manage": "manage alert rules",
  "audit.read": "read the audit log",
};

/** Per role, what it may do beyond the role below it (viewer: everything a viewer may do). */
export function roleAdds(minRole: Record<ProjectPermission, Role>): Record<Role, string[]> {
  const out = Object.fromEntries(ROLE_ORDER.map((r) => [r, [] as string[]])) as Record<Role, string[]>;
  for (const [perm, role] of Object.entries(minRole) as [ProjectPermission, Role][]) out[role].push(PERMISSION_LABEL[perm]);
  return out;
}

/** One line per role: "operator — everything a consumer may, and push feature values, …". */
export function roleSummary(role: Role, minRole: Record<ProjectPermission, Role>): string {
  const adds = roleAdds(minRole)[role];
  const i = ROLE_ORDER.indexOf(role);
  if (i === 0) return adds.join(", ");
  return `everything a ${ROLE_ORDER[i - 1]} may, and ${adds.join(", ") || "nothing more"}`;
}
