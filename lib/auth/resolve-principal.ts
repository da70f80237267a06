// Who is calling: a bearer API token, a console session cookie, or nobody.
import "server-only";
import { db } from "../db/client";
import { unauthenticated } from "../errors";
import { lowerRole } from "./permissions";
import type { ProjectGrant, Principal } from "./principal";
import { SESSION_COOKIE, TOKEN_PREFIX, hashSecret } from "./secrets";

// lastUsedAt is a hint for humans ("used 3 minutes ago"), so writing it at most once a minute
// per token/session keeps hot API paths from writing a row on every request.
const LAST_USED_RESOLUTION_MS = 60_000;

export function readCookie(header: string | null, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(";")) {
    const [k, ...v] = part.trim().split("=");
    if (k !== name) continue;
    // A malformed value (a stray `%`) is no cookie at all, not a server error.
    try {
      return decodeURIComponent(v.join("="));
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/** The token of an Authorization header, or null when it is not "Bearer <token>". */
export function presentedBearer(authorization: string | null | undefined): string | null {
  return authorization ? (/^Bearer\s+(\S+)$/i.exec(authorization.trim())?.[1] ?? null) : null;
}

/** The token of an Authorization header; null when there is none, a 401 when it is not "Bearer <token>". */
export function bearerToken(authorization: string | null | undefined): string | null {
  if (!authorization) return null;
  const token = presentedBearer(authorization);
  if (token === null) throw unauthenticated('The Authorization header must be "Bearer <token>".');
  return token;
}

export async function principalFromHeaders(headers: Headers): Promise<Principal> {
  const token = bearerToken(headers.get("authorization"));
  if (token !== null) return principalFromToken(token);
  const session = readCookie(headers.get("cookie"), SESSION_COOKIE);
  if (session) return (await principalFromSession(session)) ?? { kind: "anonymous" };
  return { kind: "anonymous" };
}

export async function principalFromToken(token: string): Promise<Principal> {
  // The same answer whatever the reason; the subject (never shown) tells the credential-failure
  // limits a guess from a token that was real once.
  const invalid = (guess = false) => unauthenticated("The bearer token is invalid, expired or revoked.", guess ? "unknown_token" : undefined);
  if (!token.startsWith(TOKEN_PREFIX)) throw invalid(true);
  const row = await db().apiToken.findUnique({
    where: { tokenHash: hashSecret(token) },
    include: { project: true, createdBy: { include: { memberships: true } } },
  });
  if (!row) throw invalid(true);
  const now = new Date();
  if (row.revokedAt || (row.expiresAt && row.expiresAt <= now) || row.createdBy.disabledAt) throw invalid();
  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS) {
    await db().apiToken.updateMany({ where: { id: row.id }, data: { lastUsedAt: now } });
  }
  const grants: ProjectGrant[] = [];
  if (row.project && !row.project.archivedAt) {
    // A token never has more rights than its creator has now.
    const creatorRole = row.createdBy.isAdmin
      ? "admin"
      : row.createdBy.memberships.find((m) => m.projectId === row.projectId)?.role;
    if (creatorRole) {
      // Restricted views too: only those the creator may still read (project admins read all).
      const creatorMembership = row.createdBy.memberships.find((m) => m.projectId === row.projectId);
      const creatorReadsAll = row.createdBy.isAdmin || creatorRole === "admin";
      grants.push({
        projectId: row.project.id,
        projectName: row.project.name,
        role: lowerRole(row.role, creatorRole),
        restrictedGrants: creatorReadsAll
          ? row.restrictedGrants
          : row.restrictedGrants.filter((v) => creatorMembership?.restrictedGrants.includes(v)),
      });
    }
  }
  return { kind: "token", tokenId: row.id, userId: row.createdById, email: row.createdBy.email, isAdmin: false, grants };
}

export async function principalFromSession(secret: string): Promise<Principal | null> {
  const session = await db().session.findUnique({
    where: { tokenHash: hashSecret(secret) },
    include: { user: { include: { memberships: { include: { project: true } } } } },
  });
  const now = new Date();
  if (!session || session.expiresAt <= now || session.user.disabledAt) return null;
  if (now.getTime() - session.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS) {
    // updateMany: a concurrent logout may have deleted the row; that is not an error here.
    await db().session.updateMany({ where: { id: session.id }, data: { lastUsedAt: now } });
  }
  const u = session.user;
  return {
    kind: "user",
    userId: u.id,
    email: u.email,
    name: u.name,
    isAdmin: u.isAdmin,
    sessionId: session.id,
    grants: u.memberships
      .filter((m) => !m.project.archivedAt)
      .map((m) => ({ projectId: m.projectId, projectName: m.project.name, role: m.role, restrictedGrants: m.restrictedGrants })),
  };
}
