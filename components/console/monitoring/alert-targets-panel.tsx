"use client";
// Admins: where monitoring alerts go (any e-mail address, or a signed Slack-compatible webhook), per
// project or view and event, and the delivery log (status, attempts, HTTP status, last error).
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { api } from "@/lib/console/api-client";
import { formatDateTime } from "@/lib/console/format";
import type { AlertDeliveryOut, AlertTargetOut } from "@/lib/monitoring/monitoring-schema";
import { Badge } from "../../ui/badge";
import { Button } from "../../ui/button";
import { Card, CardBody, CardHeader } from "../../ui/card";
import { EmptyState } from "../../ui/empty-state";
import { ErrorState } from "../../ui/error-state";
import { Field, Input, NativeSelect } from "../../ui/input";
import { TableSkeleton } from "../../ui/skeleton";
import { TD, TH, THead, TR, Table } from "../../ui/table";
import { QueryState } from "../query-state";

const EVENTS = ["job_failed", "job_recovered", "stale", "rule_failed", "drift", "skew"] as const;

export function AlertTargetsPanel({ project, views }: { project: string; views: string[] }) {
  const client = useQueryClient();
  const base = `/api/v1/projects/${encodeURIComponent(project)}`;
  const targets = useQuery({ queryKey: ["project", project, "alert-targets"], queryFn: ({ signal }) => api.get<{ items: AlertTargetOut[] }>(`${base}/alert-targets`, undefined, signal) });
  const log = useQuery({ queryKey: ["project", project, "alert-deliveries"], queryFn: ({ signal }) => api.get<{ items: AlertDeliveryOut[] }>(`${base}/alert-deliveries`, { limit: 50 }, signal), refetchInterval: 30_000 });
  const [form, setForm] = useState({ channel: "email" as "email" | "webhook", address: "", view: "", secret: "", events: [] as string[] });
  const invalidate = () => client.invalidateQueries({ queryKey: ["project", project, "alert-targets"] });
  const add = useMutation({
    mutationFn: () =>
      api.post(`${base}/alert-targets`, {
        channel: form.channel,
        address: form.address,
        ...(form.view ? { view: form.view } : {}),
        ...(form.channel === "webhook" && form.secret ? { secret: form.secret } : {}),
        events: form.events,
      }),
    onSuccess: () => {
      invalidate();
      setForm({ channel: form.channel, address: "", view: "", secret: "", events: [] });
    },
  });
  const remove = useMutation({ mutationFn: (id: string) => api.delete(`${base}/alert-targets/${id}`), onSuccess: invalidate });
  return (
    <div className="mt-6 grid gap-4 xl:grid-cols-[2fr_1fr]" data-testid="alert-targets">
      <Card>
        <CardHeader title="Monitoring alert targets" description="Stale views, failing rules, drift, skew and job failures/recoveries: one alert per change, reminders while firing, a recovery message." />
        <QueryState query={targets} skeleton={<TableSkeleton rows={2} cols={4} />} isEmpty={(data) => data.items.length === 0} empty={<EmptyState title="No alert targets" next="Add an e-mail address or a webhook." />}>
          {(data) => (
            <Table label="Alert targets">
              <THead>
                <TR>
                  <TH>Target</TH>
                  <TH>Scope</TH>
                  <TH>Events</TH>
                  <TH />
                </TR>
              </THead>
              <tbody>
                {data.items.map((t) => (
                  <TR key={t.id}>
                    <TD>
                      <Badge tone="muted">{t.channel}</Badge> <span className="break-all">{t.address}</span> {t.signed ? <Badge tone="info">signed</Badge> : null}
                    </TD>
                    <TD>{t.viewName ?? "whole project"}</TD>
                    <TD className="text-xs">{t.events.length ? t.events.join(", ") : "all"}</TD>
                    <TD>
                      <Button size="sm" variant="ghost" onClick={() => remove.mutate(t.id)} disabled={remove.isPending}>
                        Remove
                      </Button>
                    </TD>
                  </TR>
                ))}
              </tbody>
            </Table>
          )}
        </QueryState>
        <CardHeader title="Delivery log" description="Newest first; failed webhooks are retried with backoff." />
        <QueryState query={log} skeleton={<TableSkeleton rows={2} cols={4} />} isEmpty={(data) => data.items.length === 0} empty={<p className="p-4 text-sm text-fg-muted">Nothing delivered yet.</p>}>
          {(data) => (
            <Table label="Alert deliveries">
              <THead>
                <TR>
                  <TH>When</TH>
                  <TH>Alert</TH>
                  <TH>To</TH>
                  <TH>Status</TH>
                </TR>
              </THead>
              <tbody>
                {data.items.map((d) => (
                  <TR key={d.id}>
                    <TD className="text-xs whitespace-nowrap">{formatDateTime(d.createdAt)}</TD>
                    <TD className="text-xs">{d.subject}</TD>
                    <TD className="text-xs break-all">{d.address}</TD>
                    <TD className="text-xs">
                      <Badge tone={d.status === "sent" ? "success" : d.status === "failed" ? "danger" : "warning"}>{d.status}</Badge> {d.attempts} attempt(s)
                      {d.responseStatus ? ` · HTTP ${d.responseStatus}` : ""}
                      {d.lastError ? <span className="block text-fg-muted">{d.lastError}</span> : null}
                    </TD>
                  </TR>
                ))}
              </tbody>
            </Table>
          )}
        </QueryState>
      </Card>
      <Card>
        <CardHeader title="Add a target" />
        <CardBody>
          <form
            className="space-y-3"
            onSubmit={(e) => {
              e.preventDefault();
              add.mutate();
            }}
          >
            <Field label="Channel" htmlFor="target-channel">
              <NativeSelect id="target-channel" value={form.channel} onChange={(e) => setForm({ ...form, channel: e.target.value as "email" | "webhook" })}>
                <option value="email">E-mail (any address)</option>
                <option value="webhook">Webhook (Slack-compatible JSON)</option>
              </NativeSelect>
            </Field>
            <Field label={form.channel === "email" ? "E-mail address" : "Webhook URL"} htmlFor="target-address">
              <Input id="target-address" value={form.address} onChange={(e) => setForm({ ...form, address: e.target.value })} required />
            </Field>
            {form.channel === "webhook" ? (
              <Field label="Signing secret (optional, ≥ 16 characters)" htmlFor="target-secret" hint="Calls carry X-Larder-Signature: sha256=HMAC(secret, timestamp.body).">
                <Input id="target-secret" value={form.secret} onChange={(e) => setForm({ ...form, secret: e.target.value })} />
              </Field>
            ) : null}
            <Field label="Scope" htmlFor="target-view">
              <NativeSelect id="target-view" value={form.view} onChange={(e) => setForm({ ...form, view: e.target.value })}>
                <option value="">Whole project</option>
                {views.map((v) => (
                  <option key={v} value={v}>
                    {v}
                  </option>
                ))}
              </NativeSelect>
            </Field>
            <fieldset className="text-sm">
              <legend className="mb-1 text-xs text-fg-muted">Events (none checked: all)</legend>
              {EVENTS.map((ev) => (
                <label key={ev} className="mr-3 inline-flex items-center gap-1">
                  <input
                    type="checkbox"
                    checked={form.events.includes(ev)}
                    onChange={(e) => setForm({ ...form, events: e.target.checked ? [...form.events, ev] : form.events.filter((x) => x !== ev) })}
                  />
                  {ev}
                </label>
              ))}
            </fieldset>
            {add.isError ? <ErrorState compact error={add.error} /> : null}
            <Button type="submit" variant="primary" disabled={add.isPending}>
              Add target
            </Button>
          </form>
        </CardBody>
      </Card>
    </div>
  );
}
