// Users, projects, members, tokens, alert subscriptions and the audit log through the routes.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db, disconnectDb } from "../db/client";
import { TEST_ORIGIN, callRoute, json } from "../../test/fixtures/api";
import {
  TEST_PASSWORD,
  addTestMember,
  bearer,
  createTestProject,
  createTestSession,
  createTestToken,
  createTestUser,
  uniqueName,
} from "../../test/fixtures/auth";

type Page<T> = { items: T[]; total: number; nextOffset: number | null };

let instanceAdminHeaders: Record<string, string>;

beforeAll(async () => {
  const admin = await createTestUser({ isAdmin: true });
  instanceAdminHeaders = { cookie: await createTestSession(admin.id), origin: TEST_ORIGIN };
});

afterAll(async () => {
  await disconnectDb();
});

async function projectWithAdmin() {
  const project = await createTestProject("admin");
  const admin = await createTestUser();
  await addTestMember(project.id, admin.id, "admin");
  const adminToken = await createTestToken(project.id, admin.id, "admin");
  return { project, admin, headers: bearer(adminToken.token) };
}

async function auditActions(projectId: string): Promise<string[]> {
  const rows = await db().auditLog.findMany({ where: { projectId }, orderBy: { id: "asc" } });
  return rows.map((r) => r.action);
}

describe("users and projects (instance admin)", () => {
  it("creates a user who can log in; duplicate e-mail is 409; listing pages", async () => {
    const email = `${uniqueName("new")}@Example.test`;
    const res = await callRoute("POST", "/api/v1/users", { headers: instanceAdminHeaders, body: { email, password: "s3cret-pass", name: "New" } });
    expect(res.status).toBe(201);
    const user = await json<{ id: string; email: string; isAdmin: boolean }>(res);
    expect(user).toMatchObject({ email: email.toLowerCase(), isAdmin: false });
    expect(JSON.stringify(user)).not.toMatch(/passwordHash|argon/);
    const again = await callRoute("POST", "/api/v1/users", { headers: instanceAdminHeaders, body: { email, password: "other-pass" } });
    expect(again.status).toBe(409);
    const login = await callRoute("POST", "/api/v1/auth/login", { body: { email, password: "s3cret-pass" } });
    expect(login.status).toBe(200);

    const list = await json<Page<{ email: string }>>(
      await callRoute("GET", "/api/v1/users", { headers: instanceAdminHeaders, query: { q: email.split("@")[0], limit: "5" } }),
    );
    expect(list.items.map((u) => u.email)).toEqual([email.toLowerCase()]);
    expect(list.total).toBe(1);
  });

  it("disabling a user ends their sessions; empty and unknown updates are 400/404", async () => {
    const u = await createTestUser();
    await createTestSession(u.id);
    const res = await callRoute("PATCH", "/api/v1/users/{userId}", { headers: instanceAdminHeaders, params: { userId: u.id }, body: { disabled: true } });
    expect(res.status).toBe(200);
    expect(await json(res)).toMatchObject({ disabled: true });
    expect(await db().session.count({ where: { userId: u.id } })).toBe(0);
    const empty = await callRoute("PATCH", "/api/v1/users/{userId}", { headers: instanceAdminHeaders, params: { userId: u.id }, body: {} });
    expect(empty.status).toBe(400);
    const missing = await callRoute("PATCH", "/api/v1/users/{userId}", { headers: instanceAdminHeaders, params: { userId: "nope" }, body: { name: "x" } });
    expect(missing.status).toBe(404);
  });

  it("refuses to demote or disable the last active instance admin", async () => {
    // Inside a transaction that is rolled back: other test files share this database and
    // must never see their instance admins demoted.
    const { updateUser } = await import("./update-user");
    const sys = { kind: "system", label: "test" } as const;
    const rollback = new Error("rollback");
    const outcome = await db()
      .$transaction(async (tx) => {
        const keep = await tx.user.findFirstOrThrow({ where: { isAdmin: true, disabledAt: null } });
        await tx.user.updateMany({ where: { isAdmin: true, id: { not: keep.id } }, data: { isAdmin: false } });
        // One after the other: both are refused in JS before any SQL write, so the tx stays usable.
        const demote = await Promise.allSettled([updateUser(keep.id, { isAdmin: false }, sys, tx)]);
        const disable = await Promise.allSettled([updateUser(keep.id, { disabled: true }, sys, tx)]);
        throw Object.assign(rollback, { results: [...demote, ...disable] });
      })
      .catch((e: unknown) => e as Error & { results: PromiseSettledResult<unknown>[] });
    expect(outcome).toBe(rollback);
    for (const r of outcome.results) {
      expect(r.status).toBe("rejected");
      expect((r as PromiseRejectedResult).reason).toMatchObject({ code: "conflict" });
    }
  });

  it("creates a project with the creator as admin; 409 when the name is taken; 400 for a bad name", async () => {
    const name = uniqueName("created");
    const res = await callRoute("POST", "/api/v1/projects", { headers: instanceAdminHeaders, body: { name, description: "d" } });
    expect(res.status).toBe(201);
    const p = await json<{ id: string; name: string }>(res);
    expect(p.name).toBe(name);
    expect(await db().membership.count({ where: { projectId: p.id, role: "admin" } })).toBe(1);
    expect(await auditActions(p.id)).toEqual(["project.create"]);
    expect((await callRoute("POST", "/api/v1/projects", { headers: instanceAdminHeaders, body: { name } })).status).toBe(409);
    const bad = await callRoute("POST", "/api/v1/projects", { headers: instanceAdminHeaders, body: { name: "has space" } });
    expect(bad.status).toBe(400);
    expect((await json<{ invalid_params: { name: string }[] }>(bad)).invalid_params[0].name).toBe("name");
  });
});

describe("members", () => {
  it("adds, changes and removes members, with audit rows, and protects the last admin", async () => {
    const { project, admin, headers } = await projectWithAdmin();
    const params = { project: project.name };
    const u = await createTestUser();

    const add = await callRoute("POST", "/api/v1/projects/{project}/members", { headers, params, body: { email: u.email, role: "consumer" } });
    expect(add.status).toBe(201);
    expect(await json(add)).toMatchObject({ userId: u.id, role: "consumer", restrictedGrants: [] });
    const dup = await callRoute("POST", "/api/v1/projects/{project}/members", { headers, params, body: { email: u.email, role: "viewer" } });
    expect(dup.status).toBe(409);
    const ghost = await callRoute("POST", "/api/v1/projects/{project}/members", { headers, params, body: { email: "ghost@example.test", role: "viewer" } });
    expect(ghost.status).toBe(404);

    const upd = await callRoute("PATCH", "/api/v1/projects/{project}/members/{userId}", {
      headers,
      params: { ...params, userId: u.id },
      body: { role: "editor", restrictedGrants: ["pii_view"] },
    });
    expect(upd.status).toBe(200);
    expect(await json(upd)).toMatchObject({ role: "editor", restrictedGrants: ["pii_view"] });

    const list = await json<Page<{ email: string; role: string }>>(await callRoute("GET", "/api/v1/projects/{project}/members", { headers, params }));
    expect(list.total).toBe(2);
    expect(list.items.map((m) => m.role).sort()).toEqual(["admin", "editor"]);

    // The only admin can be neither demoted nor removed.
    const demote = await callRoute("PATCH", "/api/v1/projects/{project}/members/{userId}", {
      headers,
      params: { ...params, userId: admin.id },
      body: { role: "editor" },
    });
    expect(demote.status).toBe(409);
    expect((await json<{ detail: string }>(demote)).detail).toMatch(/last admin/);
    const remove = await callRoute("DELETE", "/api/v1/projects/{project}/members/{userId}", { headers, params: { ...params, userId: admin.id } });
    expect(remove.status).toBe(409);

    // With a second admin, the first may step down.
    await callRoute("PATCH", "/api/v1/projects/{project}/members/{userId}", { headers, params: { ...params, userId: u.id }, body: { role: "admin" } });
    const del = await callRoute("DELETE", "/api/v1/projects/{project}/members/{userId}", { headers: bearer((await createTestToken(project.id, u.id, "admin")).token), params: { ...params, userId: admin.id } });
    expect(del.status).toBe(204);
    expect(await del.text()).toBe("");
    // The removed admin's token stops granting anything in the project.
    expect((await callRoute("GET", "/api/v1/projects/{project}/members", { headers, params })).status).toBe(403);

    expect(await auditActions(project.id)).toEqual(["membership.add", "membership.update", "membership.update", "membership.remove"]);
    const removal = await db().auditLog.findFirst({ where: { projectId: project.id, action: "membership.remove" } });
    expect(removal).toMatchObject({ targetName: admin.email, actorType: "token" });
  });
});

describe("the last admin under concurrency", () => {
  it("two admins stepping each other down at once: one wins, the other is refused, an admin remains", async () => {
    for (let round = 0; round < 5; round++) {
      const { project, admin, headers } = await projectWithAdmin();
      const other = await createTestUser();
      await addTestMember(project.id, other.id, "admin");
      const otherHeaders = bearer((await createTestToken(project.id, other.id, "admin")).token);
      const params = { project: project.name };
      // Each demotes the other, or removes them, in the same instant.
      const [a, b] = await Promise.all([
        callRoute("PATCH", "/api/v1/projects/{project}/members/{userId}", { headers, params: { ...params, userId: other.id }, body: { role: "viewer" } }),
        round % 2
          ? callRoute("DELETE", "/api/v1/projects/{project}/members/{userId}", { headers: otherHeaders, params: { ...params, userId: admin.id } })
          : callRoute("PATCH", "/api/v1/projects/{project}/members/{userId}", { headers: otherHeaders, params: { ...params, userId: admin.id }, body: { role: "viewer" } }),
      ]);
      const statuses = [a.status, b.status].sort();
      // The loser is refused either as the last admin (409) or, having lost admin first, as no longer allowed (403).
      expect(statuses.filter((x) => x < 300), `round ${round}: ${statuses.join(", ")}`).toHaveLength(1);
      expect(statuses.filter((x) => x === 409 || x === 403), `round ${round}: ${statuses.join(", ")}`).toHaveLength(1);
      expect(await db().membership.count({ where: { projectId: project.id, role: "admin" } })).toBe(1);
    }
  });
});

describe("API tokens", () => {
  it("creates a token shown once, lists it without the secret, records last use, revokes it", async () => {
    const { project, headers } = await projectWithAdmin();
    const params = { project: project.name };
    const res = await callRoute("POST", "/api/v1/projects/{project}/tokens", { headers, params, body: { name: "ci", role: "consumer", expiresInDays: 30 } });
    expect(res.status).toBe(201);
    const created = await json<{ id: string; token: string; prefix: string; role: string; expiresAt: string; lastUsedAt: null }>(res);
    expect(created.token.startsWith(created.prefix)).toBe(true);
    expect(created.role).toBe("consumer");
    expect(created.lastUsedAt).toBeNull();
    const days = (Date.parse(created.expiresAt) - Date.now()) / 86_400_000;
    expect(Math.round(days)).toBe(30);

    const listed = await json<Page<Record<string, unknown>>>(await callRoute("GET", "/api/v1/projects/{project}/tokens", { headers, params }));
    const row = listed.items.find((t) => t.id === created.id)!;
    expect(row).toMatchObject({ name: "ci", prefix: created.prefix, lastUsedAt: null, revokedAt: null });
    expect(JSON.stringify(listed)).not.toContain(created.token);
    expect(JSON.stringify(listed)).not.toMatch(/tokenHash/);

    const me = await callRoute("GET", "/api/v1/me", { headers: bearer(created.token) });
    expect(me.status).toBe(200);
    expect(await json(me)).toMatchObject({ kind: "token", projects: [{ name: project.name, role: "consumer" }] });
    const afterUse = await json<Page<{ id: string; lastUsedAt: string | null }>>(await callRoute("GET", "/api/v1/projects/{project}/tokens", { headers, params }));
    expect(afterUse.items.find((t) => t.id === created.id)!.lastUsedAt).not.toBeNull();

    const rev = await callRoute("DELETE", "/api/v1/projects/{project}/tokens/{tokenId}", { headers, params: { ...params, tokenId: created.id } });
    expect(rev.status).toBe(204);
    expect((await callRoute("GET", "/api/v1/me", { headers: bearer(created.token) })).status).toBe(401);
    const again = await callRoute("DELETE", "/api/v1/projects/{project}/tokens/{tokenId}", { headers, params: { ...params, tokenId: created.id } });
    expect(again.status).toBe(204);
    const listed2 = await json<Page<{ id: string; revokedAt: string | null }>>(await callRoute("GET", "/api/v1/projects/{project}/tokens", { headers, params }));
    expect(listed2.items.find((t) => t.id === created.id)!.revokedAt).not.toBeNull();

    expect(await auditActions(project.id)).toEqual(["token.create", "token.revoke"]);
  });

  it("never mints a token above the creator's role or restricted grants; other projects' tokens are 404", async () => {
    const { project, headers } = await projectWithAdmin();
    const params = { project: project.name };
    const editor = await createTestUser();
    await addTestMember(project.id, editor.id, "editor", ["pii"]);
    // An admin-role token owned by an editor acts as an editor; tokens.manage needs admin.
    const editorAdminToken = await createTestToken(project.id, editor.id, "admin");
    const denied = await callRoute("POST", "/api/v1/projects/{project}/tokens", {
      headers: bearer(editorAdminToken.token),
      params,
      body: { name: "x", role: "viewer" },
    });
    expect(denied.status).toBe(403);

    const { createToken } = await import("./create-token");
    const sys = { kind: "system", label: "test" } as const;
    await expect(createToken(project, { name: "x", role: "admin" }, sys, { creatorUserId: editor.id })).rejects.toMatchObject({ code: "forbidden" });
    await expect(createToken(project, { name: "x", role: "viewer", restrictedGrants: ["secret"] }, sys, { creatorUserId: editor.id })).rejects.toMatchObject({
      code: "forbidden",
    });
    const ok = await createToken(project, { name: "x", role: "editor", restrictedGrants: ["pii"] }, sys, { creatorUserId: editor.id });
    expect(ok.role).toBe("editor");

    const other = await projectWithAdmin();
    const foreign = await createTestToken(other.project.id, other.admin.id, "viewer");
    const rev = await callRoute("DELETE", "/api/v1/projects/{project}/tokens/{tokenId}", { headers, params: { ...params, tokenId: foreign.id } });
    expect(rev.status).toBe(404);
  });
});

describe("alert subscriptions", () => {
  it("members subscribe themselves idempotently; admins see and manage everyone's", async () => {
    const { project, admin, headers: adminHeaders } = await projectWithAdmin();
    const params = { project: project.name };
    const viewer = await createTestUser();
    await addTestMember(project.id, viewer.id, "viewer");
    const viewerHeaders = { cookie: await createTestSession(viewer.id), origin: TEST_ORIGIN };

    const sub = await callRoute("POST", "/api/v1/projects/{project}/alert-subscriptions", { headers: viewerHeaders, params, body: {} });
    expect(sub.status).toBe(201);
    const s = await json<{ id: string; user: { email: string }; featureView: null }>(sub);
    expect(s).toMatchObject({ user: { email: viewer.email }, featureView: null });
    const again = await callRoute("POST", "/api/v1/projects/{project}/alert-subscriptions", { headers: viewerHeaders, params, body: {} });
    expect(again.status).toBe(200);
    expect((await json<{ id: string }>(again)).id).toBe(s.id);

    const missingView = await callRoute("POST", "/api/v1/projects/{project}/alert-subscriptions", { headers: viewerHeaders, params, body: { featureView: "nope" } });
    expect(missingView.status).toBe(404);
    const forOther = await callRoute("POST", "/api/v1/projects/{project}/alert-subscriptions", { headers: viewerHeaders, params, body: { userEmail: admin.email } });
    expect(forOther.status).toBe(403);

    const byAdmin = await callRoute("POST", "/api/v1/projects/{project}/alert-subscriptions", { headers: adminHeaders, params, body: { userEmail: admin.email } });
    expect(byAdmin.status).toBe(201);
    const adminSub = await json<{ id: string }>(byAdmin);
    const outsider = await createTestUser();
    const notMember = await callRoute("POST", "/api/v1/projects/{project}/alert-subscriptions", { headers: adminHeaders, params, body: { userEmail: outsider.email } });
    expect(notMember.status).toBe(422);

    const mine = await json<Page<{ id: string }>>(await callRoute("GET", "/api/v1/projects/{project}/alert-subscriptions", { headers: viewerHeaders, params }));
    expect(mine.items.map((x) => x.id)).toEqual([s.id]);
    const all = await json<Page<{ id: string }>>(await callRoute("GET", "/api/v1/projects/{project}/alert-subscriptions", { headers: adminHeaders, params }));
    expect(all.total).toBe(2);

    const cannot = await callRoute("DELETE", "/api/v1/projects/{project}/alert-subscriptions/{subscriptionId}", {
      headers: viewerHeaders,
      params: { ...params, subscriptionId: adminSub.id },
    });
    expect(cannot.status).toBe(404);
    const own = await callRoute("DELETE", "/api/v1/projects/{project}/alert-subscriptions/{subscriptionId}", {
      headers: viewerHeaders,
      params: { ...params, subscriptionId: s.id },
    });
    expect(own.status).toBe(204);
    const managed = await callRoute("DELETE", "/api/v1/projects/{project}/alert-subscriptions/{subscriptionId}", {
      headers: adminHeaders,
      params: { ...params, subscriptionId: adminSub.id },
    });
    expect(managed.status).toBe(204);
    expect(await db().alertSubscription.count({ where: { projectId: project.id } })).toBe(0);
  });
});

describe("audit log", () => {
  it("lists the project's changes newest first, filters by action prefix, pages", async () => {
    const { project, headers } = await projectWithAdmin();
    const params = { project: project.name };
    for (const role of ["viewer", "consumer", "operator"] as const) {
      const u = await createTestUser();
      await callRoute("POST", "/api/v1/projects/{project}/members", { headers, params, body: { email: u.email, role } });
    }
    await callRoute("POST", "/api/v1/projects/{project}/tokens", { headers, params, body: { name: "t", role: "viewer" } });
    const p1 = await json<Page<{ action: string; details: { role?: string } }>>(
      await callRoute("GET", "/api/v1/projects/{project}/audit-log", { headers, params, query: { limit: "2" } }),
    );
    expect(p1.total).toBe(4);
    expect(p1.nextOffset).toBe(2);
    expect(p1.items.map((e) => e.action)).toEqual(["token.create", "membership.add"]);
    const members = await json<Page<{ action: string; details: { role: string } }>>(
      await callRoute("GET", "/api/v1/projects/{project}/audit-log", { headers, params, query: { action: "membership." } }),
    );
    expect(members.items.map((e) => e.details.role)).toEqual(["operator", "consumer", "viewer"]);
    const bad = await callRoute("GET", "/api/v1/projects/{project}/audit-log", { headers, params, query: { limit: "500" } });
    expect(bad.status).toBe(400);
  });
});

describe("password login after admin password change", () => {
  it("a new password works, the old one does not, and old sessions end", async () => {
    const u = await createTestUser();
    const cookie = await createTestSession(u.id);
    const res = await callRoute("PATCH", "/api/v1/users/{userId}", { headers: instanceAdminHeaders, params: { userId: u.id }, body: { password: "brand-new-pass" } });
    expect(res.status).toBe(200);
    expect((await callRoute("GET", "/api/v1/me", { headers: { cookie } })).status).toBe(401);
    expect((await callRoute("POST", "/api/v1/auth/login", { body: { email: u.email, password: TEST_PASSWORD } })).status).toBe(401);
    expect((await callRoute("POST", "/api/v1/auth/login", { body: { email: u.email, password: "brand-new-pass" } })).status).toBe(200);
  });
});
