import "server-only";
import type { Role } from "./permissions";

export interface ProjectGrant {
  projectId: string;
  projectName: string;
  role: Role;
  /** Names of restricted feature views whose values this principal may read. */
  restrictedGrants: string[];
}

export type Principal =
  | { kind: "anonymous" }
  | {
      kind: "user";
      userId: string;
      email: string;
      name: string;
      isAdmin: boolean;
      sessionId: string;
      grants: ProjectGrant[];
    }
  | {
      kind: "token";
      tokenId: string;
      /** The user who created the token; the token never has more rights than its creator. */
      userId: string;
      email: string;
      isAdmin: false;
      grants: ProjectGrant[];
    };

export type AuthenticatedPrincipal = Exclude<Principal, { kind: "anonymous" }>;

export function principalLabel(p: Principal): string {
  if (p.kind === "anonymous") return "anonymous";
  if (p.kind === "user") return p.email;
  return `token:${p.tokenId} (${p.email})`;
}

export function grantFor(p: Principal, projectId: string): ProjectGrant | undefined {
  return p.kind === "anonymous" ? undefined : p.grants.find((g) => g.projectId === projectId);
}

/**
 * Narrows a principal that handle() has already authorized with a project or `authenticated`
 * permission (those always reject anonymous callers first).
 */
export function authenticated(p: Principal): AuthenticatedPrincipal {
  if (p.kind === "anonymous") throw new Error("unreachable: this route's permission rejects anonymous callers");
  return p;
}
