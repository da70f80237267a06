"use client";
// Statistics of one version: per feature, a histogram of the latest partition and the null
// fraction and mean over partitions (recharts).
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { Bar, BarChart, CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { api } from "@/lib/console/api-client";
import { formatCompact, formatNumber, formatPercent } from "@/lib/console/format";
import { normalizeStats, type StatRow } from "@/lib/console/jobs";
import { qk } from "@/lib/console/query-keys";
import { EmptyState } from "../../ui/empty-state";
import { ErrorState } from "../../ui/error-state";
import { NativeSelect } from "../../ui/input";
import { Skeleton } from "../../ui/skeleton";

const AXIS = { fontSize: 11, fill: "var(--fg-muted)" };

function ChartCard({ title, children }: { title: string; children: React.ReactNode }) {
  return (
    <figure className="rounded-md border border-line p-3">
      <figcaption className="mb-2 text-xs font-medium text-fg-muted">{title}</figcaption>
      <div className="h-48">{children}</div>
    </figure>
  );
}

export function useStats(project: string, view: string, version: number) {
  return useQuery({
    queryKey: qk.stats(project, view, version),
    queryFn: async ({ signal }) =>
      normalizeStats(await api.get(`/api/v1/projects/${encodeURIComponent(project)}/feature-views/${encodeURIComponent(view)}/versions/${version}/stats`, undefined, signal)),
  });
}

export function StatsPanel({ project, view, version, features, initialFeature }: { project: string; view: string; version: number; features: string[]; initialFeature?: string }) {
  const q = useStats(project, view, version);
  const [picked, setPicked] = useState(initialFeature ?? "");
  if (q.isPending) return <Skeleton className="h-64 w-full" />;
  if (q.isError) return <ErrorState error={q.error} onRetry={() => q.refetch()} />;
  const withStats = features.filter((f) => q.data.some((r) => r.featureName === f));
  if (withStats.length === 0) {
    return <EmptyState title={`No statistics for v${version} yet`} next="Statistics are computed when a materialization of this version succeeds. Materialize a window from the Materialization tab." />;
  }
  const feature = withStats.includes(picked) ? picked : withStats[0];
  return (
    <div className="space-y-4">
      {initialFeature ? null : (
        <div className="flex items-center gap-2 text-sm">
          <label htmlFor="stats-feature">Feature</label>
          <NativeSelect id="stats-feature" className="w-64" value={feature} onChange={(e) => setPicked(e.target.value)}>
            {withStats.map((f) => (
              <option key={f}>{f}</option>
            ))}
          </NativeSelect>
        </div>
      )}
      <FeatureStats rows={q.data.filter((r) => r.featureName === feature)} />
    </div>
  );
}

export function FeatureStats({ rows }: { rows: StatRow[] }) {
  const latest = rows[rows.length - 1];
  const hist = (latest?.histogram ?? []).map((b) => ({ bucket: `${formatCompact(b.lo)}–${formatCompact(b.hi)}`, count: b.count }));
  const series = rows.map((r) => ({ partition: r.partition, nullFraction: r.nullFraction, mean: r.mean }));
  const totalRows = rows.reduce((s, r) => s + r.rowCount, 0);
  return (
    <div className="space-y-4" data-testid="feature-stats">
      <dl className="grid grid-cols-2 gap-3 text-sm sm:grid-cols-4 lg:grid-cols-7">
        {[
          ["Rows", formatNumber(totalRows)],
          ["Partitions", String(rows.length)],
          ["Null (latest)", formatPercent(latest?.nullFraction)],
          ["Min", formatCompact(latest?.min)],
          ["Max", formatCompact(latest?.max)],
          ["Mean", formatCompact(latest?.mean)],
          ["Distinct ≈", formatCompact(latest?.distinct)],
        ].map(([k, v]) => (
          <div key={k} className="rounded-md border border-line p-2">
            <dt className="text-xs text-fg-muted">{k}</dt>
            <dd className="font-medium tabular-nums">{v}</dd>
          </div>
        ))}
      </dl>
      <div className="grid gap-4 lg:grid-cols-3">
        <ChartCard title={`Histogram (${latest?.partition ?? "—"})`}>
          {hist.length ? (
            <ResponsiveContainer>
              <BarChart data={hist}>
                <CartesianGrid strokeDasharray="3 3" stroke="var(--line)" />
                <XAxis dataKey="bucket" tick={AXIS} interval="preserveStartEnd" />
                <YAxis tick={AXIS} width={40} tickFormatter={formatCompact} />
                <Tooltip contentStyle={{ background: "var(--surface)", border: "1px solid var(--line)", color: "var(--fg)" }} />
                <Bar dataKey="count" fill="var(--accent)" isAnimationActive={false} />
              </BarChart>
            </ResponsiveContainer>
          ) : (
            <p className="text-sm text-fg-muted">No histogram: the feature is not numeric.</p>
          )}
        </ChartCard>
        <ChartCard title="Null fraction over partitions">
          <ResponsiveContainer>
            <LineChart data={series}>
              <CartesianGrid strokeDasharray="3 3" stroke="var(--line)" />
              <XAxis dataKey="partition" tick={AXIS} />
              <YAxis tick={AXIS} width={40} domain={[0, 1]} tickFormatter={(v: number) => formatPercent(v, 0)} />
              <Tooltip contentStyle={{ background: "var(--surface)", border: "1px solid var(--line)", color: "var(--fg)" }} formatter={(v) => formatPercent(Number(v))} />
              <Line dataKey="nullFraction" stroke="#d97706" dot={false} isAnimationActive={false} />
            </LineChart>
          </ResponsiveContainer>
        </ChartCard>
        <ChartCard title="Mean over partitions">
          <ResponsiveContainer>
            <LineChart data={series}>
              <CartesianGrid strokeDasharray="3 3" stroke="var(--line)" />
              <XAxis dataKey="partition" tick={AXIS} />
              <YAxis tick={AXIS} width={48} tickFormatter={formatCompact} />
              <Tooltip contentStyle={{ background: "var(--surface)", border: "1px solid var(--line)", color: "var(--fg)" }} />
              <Line dataKey="mean" stroke="var(--accent)" dot={false} isAnimationActive={false} connectNulls />
            </LineChart>
          </ResponsiveContainer>
        </ChartCard>
      </div>
    </div>
  );
}
