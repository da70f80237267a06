"use client";
// E-mail alerts on job failures and recoveries, per project or per view.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { BellPlus } from "lucide-react";
import { useState } from "react";
import { api } from "@/lib/console/api-client";
import type { AlertSubscriptionOut, FeatureViewSummaryOut, Page } from "@/lib/console/api-types";
import { formatDateTime } from "@/lib/console/format";
import { qk } from "@/lib/console/query-keys";
import { Button } from "../../ui/button";
import { Card, CardBody, CardHeader, PageHeader } from "../../ui/card";
import { EmptyState } from "../../ui/empty-state";
import { ErrorState } from "../../ui/error-state";
import { Field, Input, NativeSelect } from "../../ui/input";
import { TableSkeleton } from "../../ui/skeleton";
import { TD, TH, THead, TR, Table } from "../../ui/table";
import { useProjectAccess } from "../project-context";
import { AlertTargetsPanel } from "../monitoring/alert-targets-panel";
import { QueryState } from "../query-state";

export function AlertsPage({ project }: { project: string }) {
  const access = useProjectAccess();
  const client = useQueryClient();
  const base = `/api/v1/projects/${encodeURIComponent(project)}/alert-subscriptions`;
  const q = useQuery({ queryKey: qk.alerts(project), queryFn: ({ signal }) => api.get<Page<AlertSubscriptionOut>>(base, { limit: 200 }, signal) });
  const viewsQuery = { limit: 200, offset: 0, sort: "name" };
  const views = useQuery({
    queryKey: qk.list(project, "feature-views", viewsQuery),
    queryFn: ({ signal }) => api.get<Page<FeatureViewSummaryOut>>(`/api/v1/projects/${encodeURIComponent(project)}/feature-views`, viewsQuery, signal),
  });
  const [form, setForm] = useState({ featureView: "", userEmail: "" });
  const invalidate = () => client.invalidateQueries({ queryKey: qk.alerts(project) });
  const subscribe = useMutation({
    mutationFn: () => api.post(base, { ...(form.featureView ? { featureView: form.featureView } : {}), ...(form.userEmail ? { userEmail: form.userEmail } : {}) }),
    onSuccess: () => {
      invalidate();
      setForm({ featureView: "", userEmail: "" });
    },
  });
  const remove = useMutation({ mutationFn: (id: string) => api.delete(`${base}/${id}`), onSuccess: invalidate });
  const manage = access.can["alerts.manage"];
  return (
    <>
      <PageHeader title="Alerts" subtitle="E-mail when a job fails after its last attempt, and when it recovers." />
      <div className="grid gap-5 lg:grid-cols-[1fr_20rem]">
        <Card>
          <CardHeader title={manage ? "Subscriptions in this project" : "Your subscriptions"} />
          {remove.isError ? <ErrorState compact error={remove.error} /> : null}
          <QueryState query={q} skeleton={<TableSkeleton rows={3} cols={3} />} isEmpty={(data) => data.items.length === 0} empty={<EmptyState title="No alert subscriptions" next="Subscribe to the whole project or to one feature view with the form." />}>
            {(data) => (
              <Table label="Alert subscriptions">
                <THead>
                  <tr>
                    <TH>Who</TH>
                    <TH>Scope</TH>
                    <TH>Since</TH>
                    <TH className="sr-only">Actions</TH>
                  </tr>
                </THead>
                <tbody>
                  {data.items.map((s) => (
                    <TR key={s.id}>
                      <TD>{s.user.email}</TD>
                      <TD>{s.featureView ? <>view <span className="font-medium">{s.featureView}</span></> : "whole project"}</TD>
                      <TD className="text-fg-muted">{formatDateTime(s.createdAt).slice(0, 10)}</TD>
                      <TD className="text-right">
                        <Button size="sm" variant="ghost" onClick={() => remove.mutate(s.id)}>
                          Unsubscribe
                        </Button>
                      </TD>
                    </TR>
                  ))}
                </tbody>
              </Table>
            )}
          </QueryState>
        </Card>
        {access.can["alerts.subscribe"] ? (
          <Card>
            <CardHeader title="Subscribe" />
            <CardBody>
              <form className="space-y-3" onSubmit={(e) => (e.preventDefault(), subscribe.mutate())}>
                <Field label="Scope" htmlFor="alert-view">
                  <NativeSelect id="alert-view" value={form.featureView} onChange={(e) => setForm({ ...form, featureView: e.target.value })}>
                    <option value="">Whole project</option>
                    {views.data?.items.map((v) => (
                      <option key={v.name} value={v.name}>
                        View {v.name}
                      </option>
                    ))}
                  </NativeSelect>
                </Field>
                {manage ? (
                  <Field label="For someone else (e-mail, optional)" htmlFor="alert-user">
                    <Input id="alert-user" type="email" value={form.userEmail} onChange={(e) => setForm({ ...form, userEmail: e.target.value })} />
                  </Field>
                ) : null}
                {subscribe.isError ? <ErrorState compact error={subscribe.error} /> : null}
                <Button type="submit" variant="primary" disabled={subscribe.isPending}>
                  <BellPlus aria-hidden className="size-3.5" /> Subscribe
                </Button>
              </form>
            </CardBody>
          </Card>
        ) : null}
      </div>
      {manage ? <AlertTargetsPanel project={project} views={(views.data?.items ?? []).map((v) => v.name)} /> : null}
    </>
  );
}
