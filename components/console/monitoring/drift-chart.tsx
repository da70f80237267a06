"use client";
// A feature's drift over time (GET …/versions/{n}/drift?feature=): PSI per partition against its
// reference, with the threshold line.
import { useQuery } from "@tanstack/react-query";
import { CartesianGrid, Line, LineChart, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { api } from "@/lib/console/api-client";
import type { DriftPointOut } from "@/lib/monitoring/monitoring-schema";
import { EmptyState } from "../../ui/empty-state";
import { QueryState } from "../query-state";
import { Skeleton } from "../../ui/skeleton";

const AXIS = { fontSize: 11, fill: "var(--fg-muted)" };

export function DriftChart({ project, view, version, feature }: { project: string; view: string; version: number; feature: string }) {
  const q = useQuery({
    queryKey: ["project", project, "drift", view, version, feature],
    queryFn: ({ signal }) =>
      api.get<{ items: DriftPointOut[] }>(`/api/v1/projects/${encodeURIComponent(project)}/feature-views/${encodeURIComponent(view)}/versions/${version}/drift`, { feature }, signal),
  });
  return (
    <QueryState
      query={q}
      skeleton={<Skeleton className="h-48 w-full" />}
      isEmpty={(d) => d.items.length === 0}
      empty={<EmptyState title="No drift measured yet" next={<>Declare <code>monitoring.drift</code> on the view (docs/monitoring.md); each materialization then compares every partition with its reference.</>} />}
    >
      {(d) => <PsiChart items={d.items} />}
    </QueryState>
  );
}

function PsiChart({ items }: { items: DriftPointOut[] }) {
  const threshold = items[items.length - 1].threshold;
  const latest = items[items.length - 1];
  return (
    <figure className="rounded-md border border-line p-3" data-testid="drift-chart">
      <figcaption className="mb-2 text-xs font-medium text-fg-muted">
        PSI per partition against {latest.reference.startsWith("date=") ? "its reference" : latest.reference} (threshold {threshold}); latest {latest.psi.toFixed(3)}
        {latest.drifting ? " — drifting" : ""}
      </figcaption>
      <div className="h-48">
        <ResponsiveContainer>
          <LineChart data={items.map((d) => ({ partition: d.partition, psi: d.psi, reference: d.reference }))}>
            <CartesianGrid strokeDasharray="3 3" stroke="var(--line)" />
            <XAxis dataKey="partition" tick={AXIS} />
            <YAxis tick={AXIS} width={40} />
            <Tooltip contentStyle={{ background: "var(--surface)", border: "1px solid var(--line)", color: "var(--fg)" }} formatter={(v) => Number(v).toFixed(4)} />
            <ReferenceLine y={threshold} stroke="#dc2626" strokeDasharray="4 4" />
            <Line dataKey="psi" stroke="var(--accent)" isAnimationActive={false} />
          </LineChart>
        </ResponsiveContainer>
      </div>
    </figure>
  );
}
