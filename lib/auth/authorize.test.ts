import { describe, expect, it } from "vitest";
import { authorize, can, canReadRestrictedView } from "./authorize";
import { INSTANCE_PERMISSIONS, PROJECT_PERMISSIONS, ROLES, ROLE_RANK, isProjectPermission, lowerRole, roleAtLeast, type Role } from "./permissions";
import type { Principal } from "./principal";
import { LarderError } from "../errors";

const project = { id: "p1", name: "retail" };
const other = { id: "p2", name: "other" };

function user(role: Role | null, opts: { isAdmin?: boolean; restricted?: string[] } = {}): Principal {
  return {
    kind: "user",
    userId: "u1",
    email: "u@example.com",
    name: "U",
    isAdmin: opts.isAdmin ?? false,
    sessionId: "s1",
    grants: role ? [{ projectId: project.id, projectName: project.name, role, restrictedGrants: opts.restricted ?? [] }] : [],
  };
}
function token(role: Role, projectId = project.id): Principal {
  return { kind: "token", tokenId: "t1", userId: "u1", email: "u@example.com", isAdmin: false, grants: [{ projectId, projectName: "x", role, restrictedGrants: [] }] };
}
function statusOf(fn: () => void): number {
  try {
    fn();
    return 200;
  } catch (e) {
    return (e as LarderError).status;
  }
}

describe("permission table", () => {
  it("orders roles strictly viewer < consumer < operator < editor < admin", () => {
    expect(ROLES).toEqual(["viewer", "consumer", "operator", "editor", "admin"]);
    ROLES.forEach((r, i) => expect(ROLE_RANK[r]).toBe(i + 1));
    expect(roleAtLeast("editor", "operator")).toBe(true);
    expect(roleAtLeast("operator", "editor")).toBe(false);
    expect(lowerRole("admin", "consumer")).toBe("consumer");
    expect(lowerRole("viewer", "editor")).toBe("viewer");
  });
  it("maps every project permission to a known role, in resource.action form", () => {
    for (const [perm, role] of Object.entries(PROJECT_PERMISSIONS)) {
      expect(perm).toMatch(/^[a-z]+\.[a-z]+$/);
      expect(ROLES).toContain(role);
    }
  });
  it("keeps the role ladder (docs/access-control.md): viewers browse, consumers read values, operators run jobs, editors apply, admins manage access", () => {
    expect(PROJECT_PERMISSIONS["catalog.read"]).toBe("viewer");
    expect(PROJECT_PERMISSIONS["features.read"]).toBe("consumer");
    expect(PROJECT_PERMISSIONS["jobs.run"]).toBe("operator");
    expect(PROJECT_PERMISSIONS["jobs.cancel"]).toBe("operator");
    expect(PROJECT_PERMISSIONS["definitions.apply"]).toBe("editor");
    for (const p of ["members.manage", "tokens.manage", "alerts.manage", "audit.read"] as const) expect(PROJECT_PERMISSIONS[p]).toBe("admin");
  });
  it("does not mix instance and project permissions", () => {
    for (const p of Object.keys(INSTANCE_PERMISSIONS)) expect(Object.keys(PROJECT_PERMISSIONS)).not.toContain(p);
    expect(isProjectPermission("public")).toBe(false);
    expect(isProjectPermission("catalog.read")).toBe(true);
  });
});

describe("authorize", () => {
  it("public lets anyone in; authenticated needs a principal; instance.admin needs an instance admin", () => {
    expect(statusOf(() => authorize({ kind: "anonymous" }, "public"))).toBe(200);
    expect(statusOf(() => authorize({ kind: "anonymous" }, "authenticated"))).toBe(401);
    expect(statusOf(() => authorize(token("viewer"), "authenticated"))).toBe(200);
    expect(statusOf(() => authorize({ kind: "anonymous" }, "instance.admin"))).toBe(401);
    expect(statusOf(() => authorize(user("admin"), "instance.admin"))).toBe(403);
    expect(statusOf(() => authorize(token("admin"), "instance.admin"))).toBe(403);
    expect(statusOf(() => authorize(user(null, { isAdmin: true }), "instance.admin"))).toBe(200);
  });
  it("checks the role of every project permission against every role", () => {
    for (const [perm, min] of Object.entries(PROJECT_PERMISSIONS) as [keyof typeof PROJECT_PERMISSIONS, Role][]) {
      for (const r of ROLES) {
        const expected = ROLE_RANK[r] >= ROLE_RANK[min] ? 200 : 403;
        expect(statusOf(() => authorize(user(r), perm, project)), `${r} ${perm}`).toBe(expected);
        expect(statusOf(() => authorize(token(r), perm, project)), `token ${r} ${perm}`).toBe(expected);
      }
    }
  });
  it("401 for anonymous, 403 for non-members and other projects' tokens, instance admins pass", () => {
    expect(statusOf(() => authorize({ kind: "anonymous" }, "catalog.read", project))).toBe(401);
    expect(statusOf(() => authorize(user(null), "catalog.read", project))).toBe(403);
    expect(statusOf(() => authorize(token("admin", other.id), "catalog.read", project))).toBe(403);
    expect(statusOf(() => authorize(user(null, { isAdmin: true }), "audit.read", project))).toBe(200);
    expect(can(user("viewer"), "jobs.run", project)).toBe(false);
    expect(can(user("operator"), "jobs.run", project)).toBe(true);
  });
  it("gives restricted views only to admins and explicit grants", () => {
    expect(canReadRestrictedView(user("editor"), project, "pii")).toBe(false);
    expect(canReadRestrictedView(user("consumer", { restricted: ["pii"] }), project, "pii")).toBe(true);
    expect(canReadRestrictedView(user("consumer", { restricted: ["pii"] }), other, "pii")).toBe(false);
    expect(canReadRestrictedView(user("admin"), project, "pii")).toBe(true);
    expect(canReadRestrictedView(user(null, { isAdmin: true }), project, "pii")).toBe(true);
    expect(canReadRestrictedView({ kind: "anonymous" }, project, "pii")).toBe(false);
  });
});
