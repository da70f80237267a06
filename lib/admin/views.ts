// Shapes the admin API returns: one mapping per registry row type, so the API, the CLI and the
// console show the same fields.
import "server-only";
import type { Role } from "../auth/permissions";

// Times leave as ISO 8601 strings, as the endpoint schemas say (not as Date objects that only the
// JSON encoder happens to turn into the same text).
const iso = (d: Date | null) => (d ? d.toISOString() : null);

export interface UserView {
  id: string;
  email: string;
  name: string;
  isAdmin: boolean;
  disabled: boolean;
  createdAt: string;
  projects: { name: string; role: Role }[];
}

export function userView(u: {
  id: string;
  email: string;
  name: string;
  isAdmin: boolean;
  disabledAt: Date | null;
  createdAt: Date;
  memberships?: { role: Role; project: { name: string; archivedAt: Date | null } }[];
}): UserView {
  return {
    id: u.id,
    email: u.email,
    name: u.name,
    isAdmin: u.isAdmin,
    disabled: u.disabledAt !== null,
    createdAt: u.createdAt.toISOString(),
    projects: (u.memberships ?? [])
      .filter((m) => !m.project.archivedAt)
      .map((m) => ({ name: m.project.name, role: m.role }))
      .sort((a, b) => a.name.localeCompare(b.name)),
  };
}

export const USER_INCLUDE = { memberships: { include: { project: { select: { name: true, archivedAt: true } } } } } as const;

export interface MemberView {
  userId: string;
  email: string;
  name: string;
  role: Role;
  restrictedGrants: string[];
  createdAt: string;
  updatedAt: string;
}

export function memberView(m: {
  userId: string;
  role: Role;
  restrictedGrants: string[];
  createdAt: Date;
  updatedAt: Date;
  user: { email: string; name: string };
}): MemberView {
  return {
    userId: m.userId,
    email: m.user.email,
    name: m.user.name,
    role: m.role,
    restrictedGrants: m.restrictedGrants,
    createdAt: m.createdAt.toISOString(),
    updatedAt: m.updatedAt.toISOString(),
  };
}

export interface TokenView {
  id: string;
  name: string;
  prefix: string;
  role: Role;
  restrictedGrants: string[];
  /** E-mail of the user who created it. */
  createdBy: string;
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string | null;
  revokedAt: string | null;
}

export function tokenView(t: {
  id: string;
  name: string;
  prefix: string;
  role: Role;
  restrictedGrants: string[];
  createdAt: Date;
  lastUsedAt: Date | null;
  expiresAt: Date | null;
  revokedAt: Date | null;
  createdBy: { email: string };
}): TokenView {
  return {
    id: t.id,
    name: t.name,
    prefix: t.prefix,
    role: t.role,
    restrictedGrants: t.restrictedGrants,
    createdBy: t.createdBy.email,
    createdAt: t.createdAt.toISOString(),
    lastUsedAt: iso(t.lastUsedAt),
    expiresAt: iso(t.expiresAt),
    revokedAt: iso(t.revokedAt),
  };
}

export interface AlertSubscriptionView {
  id: string;
  user: { id: string; email: string; name: string };
  featureView: string | null;
  createdAt: string;
}

export function alertSubscriptionView(s: {
  id: string;
  createdAt: Date;
  user: { id: string; email: string; name: string };
  featureView: { name: string } | null;
}): AlertSubscriptionView {
  return { id: s.id, user: { id: s.user.id, email: s.user.email, name: s.user.name }, featureView: s.featureView?.name ?? null, createdAt: s.createdAt.toISOString() };
}

export const SUBSCRIPTION_INCLUDE = {
  user: { select: { id: true, email: true, name: true } },
  featureView: { select: { name: true } },
} as const;
