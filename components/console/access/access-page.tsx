"use client";
// Members and roles, API tokens (shown once on creation; revocable) and the audit log.
// Every control is hidden for callers without the permission; the server refuses anyway.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { KeyRound, Trash2, UserPlus } from "lucide-react";
import { useState } from "react";
import { api } from "@/lib/console/api-client";
import type { AuditEntryOut, CreatedTokenOut, MemberOut, Page, Role, TokenOut } from "@/lib/console/api-types";
import { formatDateTime, formatRelative } from "@/lib/console/format";
import { qk } from "@/lib/console/query-keys";
import { Badge } from "../../ui/badge";
import { Button } from "../../ui/button";
import { Card, CardHeader, PageHeader } from "../../ui/card";
import { CopyButton } from "../../ui/copy-button";
import { Dialog } from "../../ui/dialog";
import { EmptyState } from "../../ui/empty-state";
import { ErrorState } from "../../ui/error-state";
import { Field, Input, NativeSelect } from "../../ui/input";
import { TableSkeleton } from "../../ui/skeleton";
import { TD, TH, THead, TR, Table } from "../../ui/table";
import { ROLE_ORDER, roleAdds, roleSummary } from "@/lib/console/roles";
import { useProjectAccess } from "../project-context";
import { QueryState } from "../query-state";

const ROLES = ROLE_ORDER;

/** What each role may do, next to where roles are granted. */
function RoleGuide() {
  const { minRole } = useProjectAccess();
  return (
    <details className="border-t border-line px-4 py-3 text-sm" open>
      <summary className="cursor-pointer text-xs font-semibold tracking-wide text-fg-subtle uppercase">What each role may do</summary>
      <dl className="mt-2 grid gap-x-4 gap-y-1 sm:grid-cols-[6rem_1fr]" aria-label="Roles">
        {ROLES.map((r) => (
          <div key={r} className="contents">
            <dt className="font-medium">{r}</dt>
            <dd className="text-fg-muted">{roleSummary(r, minRole)}</dd>
          </div>
        ))}
      </dl>
    </details>
  );
}

/** The caller changing their own role: what they would lose, asked before it is sent. */
function SelfRoleChange({ from, to, onConfirm, onCancel }: { from: Role; to: Role; onConfirm: () => void; onCancel: () => void }) {
  const { minRole, project } = useProjectAccess();
  const lost = ROLES.slice(ROLES.indexOf(to) + 1, ROLES.indexOf(from) + 1).flatMap((r) => roleAdds(minRole)[r]);
  return (
    <Dialog open onOpenChange={(o) => (o ? null : onCancel())} title={`Change your own role to ${to}?`}>
      <div className="space-y-3 text-sm">
        <p>
          You are {from} of {project}. As {to} you can no longer {lost.join(", ")}.
        </p>
        <p>Only another admin can give the role back.</p>
      </div>
      <div className="mt-5 flex flex-wrap justify-end gap-2">
        <Button onClick={onCancel}>Keep me {from}</Button>
        <Button variant="danger" onClick={onConfirm}>
          Make me {to}
        </Button>
      </div>
    </Dialog>
  );
}

function base(project: string) {
  return `/api/v1/projects/${encodeURIComponent(project)}`;
}

function Members({ project }: { project: string }) {
  const access = useProjectAccess();
  const client = useQueryClient();
  const q = useQuery({ queryKey: qk.members(project), queryFn: ({ signal }) => api.get<Page<MemberOut>>(`${base(project)}/members`, { limit: 200 }, signal) });
  const invalidate = () => client.invalidateQueries({ queryKey: qk.members(project) });
  const update = useMutation({ mutationFn: (v: { userId: string; role: Role }) => api.patch(`${base(project)}/members/${v.userId}`, { role: v.role }), onSuccess: invalidate });
  const remove = useMutation({ mutationFn: (userId: string) => api.delete(`${base(project)}/members/${userId}`), onSuccess: invalidate });
  const manage = access.can["members.manage"];
  // A demotion of oneself waits here for the confirmation.
  const [selfChange, setSelfChange] = useState<{ from: Role; to: Role } | null>(null);
  const changeRole = (m: MemberOut, to: Role) => {
    if (m.userId === access.userId && ROLES.indexOf(to) < ROLES.indexOf(m.role)) setSelfChange({ from: m.role, to });
    else update.mutate({ userId: m.userId, role: to });
  };
  return (
    <Card>
      <CardHeader title="Members" description="Roles per project: viewer < consumer < operator < editor < admin; each may do everything the one before it may." actions={manage ? <AddMember project={project} onDone={invalidate} /> : null} />
      {selfChange && access.userId ? (
        <SelfRoleChange
          from={selfChange.from}
          to={selfChange.to}
          onCancel={() => setSelfChange(null)}
          onConfirm={() => {
            update.mutate({ userId: access.userId!, role: selfChange.to });
            setSelfChange(null);
          }}
        />
      ) : null}
      {update.isError ? <ErrorState compact error={update.error} /> : null}
      {remove.isError ? <ErrorState compact error={remove.error} /> : null}
      <QueryState query={q} skeleton={<TableSkeleton rows={3} cols={3} />} isEmpty={(data) => data.items.length === 0} empty={<EmptyState title="No members" next="Add people by e-mail; they need a user account first." />}>
        {(data) => (
          <Table label="Members">
            <THead>
              <tr>
                <TH>User</TH>
                <TH>Role</TH>
                <TH>Restricted views</TH>
                <TH>Member since</TH>
                {manage ? <TH className="sr-only">Actions</TH> : null}
              </tr>
            </THead>
            <tbody>
              {data.items.map((m) => (
                <TR key={m.userId}>
                  <TD>
                    <span className="font-medium">{m.name || m.email}</span>
                    {m.userId === access.userId ? <span className="ml-1.5 text-xs text-fg-muted">(you)</span> : null}
                    {m.name ? <span className="block text-xs text-fg-muted">{m.email}</span> : null}
                  </TD>
                  <TD>
                    {manage ? (
                      <>
                        <label htmlFor={`role-${m.userId}`} className="sr-only">
                          Role of {m.email}
                        </label>
                        <NativeSelect id={`role-${m.userId}`} className="h-8 w-32" value={m.role} title={roleSummary(m.role, access.minRole)} onChange={(e) => changeRole(m, e.target.value as Role)}>
                          {ROLES.map((r) => (
                            <option key={r}>{r}</option>
                          ))}
                        </NativeSelect>
                      </>
                    ) : (
                      <Badge tone="accent">{m.role}</Badge>
                    )}
                  </TD>
                  <TD className="text-fg-muted">{m.restrictedGrants.join(", ") || "—"}</TD>
                  <TD className="text-fg-muted">{formatDateTime(m.createdAt).slice(0, 10)}</TD>
                  {manage ? (
                    <TD className="text-right">
                      <Button size="sm" variant="ghost" aria-label={`Remove ${m.email}`} onClick={() =>
                          confirm(m.userId === access.userId ? `Remove yourself from ${project}? You lose access to it at once; only an admin can add you back.` : `Remove ${m.email} from ${project}?`) &&
                          remove.mutate(m.userId)
                        }>
                        <Trash2 aria-hidden className="size-3.5" />
                      </Button>
                    </TD>
                  ) : null}
                </TR>
              ))}
            </tbody>
          </Table>
        )}
      </QueryState>
      <RoleGuide />
    </Card>
  );
}

function AddMember({ project, onDone }: { project: string; onDone: () => void }) {
  const { minRole } = useProjectAccess();
  const [open, setOpen] = useState(false);
  const [form, setForm] = useState({ email: "", role: "viewer" as Role });
  const add = useMutation({
    mutationFn: () => api.post(`${base(project)}/members`, form),
    onSuccess: () => {
      onDone();
      setOpen(false);
      setForm({ email: "", role: "viewer" });
    },
  });
  return (
    <Dialog
      open={open}
      onOpenChange={(o) => {
        setOpen(o);
        add.reset();
      }}
      title="Add a member"
      trigger={
        <Button size="sm" variant="primary">
          <UserPlus aria-hidden className="size-3.5" /> Add member
        </Button>
      }
    >
      <form className="space-y-3" onSubmit={(e) => (e.preventDefault(), add.mutate())}>
        <Field label="E-mail of an existing user" htmlFor="member-email">
          <Input id="member-email" type="email" required value={form.email} onChange={(e) => setForm({ ...form, email: e.target.value })} />
        </Field>
        <Field label="Role" htmlFor="member-role" hint={`${form.role}: ${roleSummary(form.role, minRole)}.`}>
          <NativeSelect id="member-role" value={form.role} onChange={(e) => setForm({ ...form, role: e.target.value as Role })}>
            {ROLES.map((r) => (
              <option key={r}>{r}</option>
            ))}
          </NativeSelect>
        </Field>
        {add.isError ? <ErrorState compact error={add.error} /> : null}
        <div className="flex justify-end">
          <Button type="submit" variant="primary" disabled={add.isPending}>
            Add
          </Button>
        </div>
      </form>
    </Dialog>
  );
}

function Tokens({ project }: { project: string }) {
  const client = useQueryClient();
  // Expiry is judged against the time the list was first shown (render stays pure).
  const [now] = useState(Date.now);
  const q = useQuery({ queryKey: qk.tokens(project), queryFn: ({ signal }) => api.get<Page<TokenOut>>(`${base(project)}/tokens`, { limit: 200 }, signal) });
  const revoke = useMutation({
    mutationFn: (id: string) => api.delete(`${base(project)}/tokens/${id}`),
    onSuccess: () => client.invalidateQueries({ queryKey: qk.tokens(project) }),
  });
  return (
    <Card>
      <CardHeader title="API tokens" description="For programs: bearer tokens scoped to this project and a role. The secret is shown once." actions={<CreateToken project={project} />} />
      {revoke.isError ? <ErrorState compact error={revoke.error} /> : null}
      <QueryState query={q} skeleton={<TableSkeleton rows={3} cols={5} />} isEmpty={(data) => data.items.length === 0} empty={<EmptyState icon={<KeyRound className="size-8" />} title="No API tokens" next="Create one for each program that reads features (consumer) or runs jobs (operator)." />}>
        {(data) => (
          <Table label="API tokens">
            <THead>
              <tr>
                <TH>Name</TH>
                <TH>Prefix</TH>
                <TH>Role</TH>
                <TH>Created</TH>
                <TH>Last used</TH>
                <TH>Status</TH>
                <TH className="sr-only">Actions</TH>
              </tr>
            </THead>
            <tbody>
              {data.items.map((t) => (
                <TR key={t.id} data-token={t.name}>
                  <TD className="font-medium">{t.name}</TD>
                  <TD className="font-mono text-xs">{t.prefix}…</TD>
                  <TD>
                    <Badge tone="accent">{t.role}</Badge>
                  </TD>
                  <TD className="text-fg-muted">
                    {formatDateTime(t.createdAt).slice(0, 10)} <span className="text-xs">by {t.createdBy}</span>
                  </TD>
                  <TD className="text-fg-muted">{formatRelative(t.lastUsedAt)}</TD>
                  <TD>{t.revokedAt ? <Badge tone="muted">revoked {formatRelative(t.revokedAt)}</Badge> : t.expiresAt && Date.parse(t.expiresAt) < now ? <Badge tone="warning">expired</Badge> : <Badge tone="success">active</Badge>}</TD>
                  <TD className="text-right">
                    {!t.revokedAt ? (
                      <Button size="sm" variant="ghost" onClick={() => confirm(`Revoke token “${t.name}”? Programs using it stop working at once.`) && revoke.mutate(t.id)}>
                        Revoke
                      </Button>
                    ) : null}
                  </TD>
                </TR>
              ))}
            </tbody>
          </Table>
        )}
      </QueryState>
    </Card>
  );
}

function CreateToken({ project }: { project: string }) {
  const { minRole } = useProjectAccess();
  const client = useQueryClient();
  const [open, setOpen] = useState(false);
  const [form, setForm] = useState({ name: "", role: "consumer" as Role, expiresInDays: "" });
  const create = useMutation({
    mutationFn: () =>
      api.post<CreatedTokenOut>(`${base(project)}/tokens`, { name: form.name, role: form.role, ...(form.expiresInDays ? { expiresInDays: Number(form.expiresInDays) } : {}) }),
    onSuccess: () => client.invalidateQueries({ queryKey: qk.tokens(project) }),
  });
  return (
    <Dialog
      open={open}
      onOpenChange={(o) => {
        setOpen(o);
        if (!o) {
          // The secret must not linger in memory or on screen after the dialog closes.
          create.reset();
          setForm({ name: "", role: "consumer", expiresInDays: "" });
        }
      }}
      title={create.data ? "Token created" : "Create an API token"}
      trigger={
        <Button size="sm" variant="primary">
          <KeyRound aria-hidden className="size-3.5" /> Create token
        </Button>
      }
    >
      {create.data ? (
        <div className="space-y-3">
          <p className="text-sm">
            Copy the token now. <strong>It will not be shown again.</strong>
          </p>
          <div className="flex items-center gap-2 rounded-md border border-line bg-code p-2">
            <code data-testid="new-token" className="flex-1 font-mono text-xs break-all">
              {create.data.token}
            </code>
            <CopyButton text={create.data.token} label="Copy token" />
          </div>
          <div className="flex justify-end">
            <Button variant="primary" onClick={() => setOpen(false)}>
              Done
            </Button>
          </div>
        </div>
      ) : (
        <form className="space-y-3" onSubmit={(e) => (e.preventDefault(), create.mutate())}>
          <Field label="Name" htmlFor="token-name" hint="What uses it, e.g. churn-scoring-service.">
            <Input id="token-name" required value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} />
          </Field>
          <Field label="Role" htmlFor="token-role" hint={`${form.role}: ${roleSummary(form.role, minRole)}. A token never outranks the member who created it.`}>
            <NativeSelect id="token-role" value={form.role} onChange={(e) => setForm({ ...form, role: e.target.value as Role })}>
              {ROLES.map((r) => (
                <option key={r}>{r}</option>
              ))}
            </NativeSelect>
          </Field>
          <Field label="Expires after (days, optional)" htmlFor="token-expiry">
            <Input id="token-expiry" type="number" min={1} max={3650} value={form.expiresInDays} onChange={(e) => setForm({ ...form, expiresInDays: e.target.value })} />
          </Field>
          {create.isError ? <ErrorState compact error={create.error} /> : null}
          <div className="flex justify-end">
            <Button type="submit" variant="primary" disabled={create.isPending}>
              {create.isPending ? "Creating…" : "Create token"}
            </Button>
          </div>
        </form>
      )}
    </Dialog>
  );
}

function Audit({ project }: { project: string }) {
  const q = useQuery({ queryKey: qk.audit(project), queryFn: ({ signal }) => api.get<Page<AuditEntryOut>>(`${base(project)}/audit-log`, { limit: 50 }, signal) });
  return (
    <Card>
      <CardHeader title="Audit log" description="Changes to definitions and access, newest first." />
      <QueryState query={q} skeleton={<TableSkeleton rows={4} cols={4} />} isEmpty={(data) => data.items.length === 0} empty={<EmptyState title="Nothing recorded yet" next="Applies, metadata edits, membership and token changes are recorded here." />}>
        {(data) => (
          <Table label="Audit log">
            <THead>
              <tr>
                <TH>When</TH>
                <TH>Who</TH>
                <TH>Action</TH>
                <TH>Target</TH>
              </tr>
            </THead>
            <tbody>
              {data.items.map((a) => (
                <TR key={a.id}>
                  <TD className="whitespace-nowrap text-fg-muted" title={a.at}>
                    {formatRelative(a.at)}
                  </TD>
                  <TD>{a.actorLabel}</TD>
                  <TD className="font-mono text-xs">{a.action}</TD>
                  <TD>
                    {a.targetType} <span className="font-medium">{a.targetName}</span>
                  </TD>
                </TR>
              ))}
            </tbody>
          </Table>
        )}
      </QueryState>
    </Card>
  );
}

export function AccessPage({ project }: { project: string }) {
  const access = useProjectAccess();
  if (!access.can["members.read"]) {
    return (
      <>
        <PageHeader title="Access" />
        <EmptyState title="Only project admins manage access" next={`You are ${access.role ?? "not a member"} here. Ask an admin of ${project} for a different role or for an API token.`} />
      </>
    );
  }
  return (
    <>
      <PageHeader title="Access" subtitle="Who may do what in this project." />
      <div className="space-y-5">
        <Members project={project} />
        {access.can["tokens.manage"] ? <Tokens project={project} /> : null}
        {access.can["audit.read"] ? <Audit project={project} /> : null}
      </div>
    </>
  );
}
