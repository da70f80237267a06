"use client";
// Statistics of one version: per feature, the figures of the latest partition (≈ on estimates), a
// histogram (numbers) or top-values bar chart (strings, bools) of it, and the null fraction and
// mean (or distinct count) over partitions (recharts).
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

const TOOLTIP = { background: "var(--surface)", border: "1px solid var(--line)", color: "var(--fg)" };

/** A figure with "≈" when the partition's value is an estimate (docs/materialization.md, "Statistics"). */
function approx(row: StatRow | undefined, figure: string, text: string): string {
  return row?.approximate.includes(figure) ? `≈ ${text}` : text;
}

export function FeatureStats({ rows }: { rows: StatRow[] }) {
  const latest = rows[rows.length - 1];
  const numeric = !!latest && latest.percentiles !== null;
  const categorical = !!latest && latest.topValues !== null;
  const hist = (latest?.histogram ?? []).map((b) => ({ bucket: `${formatCompact(b.lo)}–${formatCompact(b.hi)}`, count: b.count }));
  const top = (latest?.topValues ?? []).slice(0, 10).map((t) => ({ value: t.value, count: t.count }));
  const series = rows.map((r) => ({ partition: r.partition, nullFraction: r.nullFraction, mean: r.mean, distinct: r.distinct }));
  const totalRows = rows.reduce((s, r) => s + r.rowCount, 0);
  const figures: [string, string][] = [
    ["Rows", formatNumber(totalRows)],
    ["Partitions", String(rows.length)],
    ["Null (latest)", formatPercent(latest?.nullFraction)],
    ["Distinct", approx(latest, "distinct", formatNumber(latest?.distinct ?? null))],
  ];
  if (numeric || latest?.min !== null) figures.push(["Min", formatCompact(latest?.min)], ["Max", formatCompact(latest?.max)], ["Mean", formatCompact(latest?.mean)], ["Stddev", formatCompact(latest?.stddev)]);
  const p = latest?.percentiles;
  if (p) for (const k of ["p1", "p5", "p25", "p50", "p75", "p95", "p99"] as const) figures.push([k, approx(latest, "quantiles", formatCompact(p[k]))]);
  return (
    <div className="space-y-4" data-testid="feature-stats">
      <dl className="grid grid-cols-2 gap-3 text-sm sm:grid-cols-4 lg:grid-cols-8">
        {figures.map(([k, v]) => (
          <div key={k} className="rounded-md border border-line p-2" data-testid={`stat-${k}`}>
            <dt className="text-xs text-fg-muted">{k}</dt>
            <dd className="font-medium tabular-nums">{v}</dd>
          </div>
        ))}
      </dl>
      {latest?.approximate.length ? (
        <p className="text-xs text-fg-muted">≈ marks estimates: the latest partition is above the size up to which these figures are exact (see the docs, Statistics).</p>
      ) : null}
      <div className="grid gap-4 lg:grid-cols-3">
        {categorical ? (
          <ChartCard title={`${approx(latest, "topValues", "Top values")} (${latest?.partition ?? "—"})`}>
            {top.length ? (
              <ResponsiveContainer>
                <BarChart data={top} layout="vertical" margin={{ left: 8 }}>
                  <CartesianGrid strokeDasharray="3 3" stroke="var(--line)" />
                  <XAxis type="number" tick={AXIS} tickFormatter={formatCompact} />
                  <YAxis type="category" dataKey="value" tick={AXIS} width={90} />
                  <Tooltip contentStyle={TOOLTIP} />
                  <Bar dataKey="count" fill="var(--accent)" isAnimationActive={false} />
                </BarChart>
              </ResponsiveContainer>
            ) : (
              <p className="text-sm text-fg-muted">No values in this partition.</p>
            )}
          </ChartCard>
        ) : (
          <ChartCard title={`${approx(latest, "histogram", "Histogram")} (${latest?.partition ?? "—"})`}>
            {hist.length ? (
              <ResponsiveContainer>
                <BarChart data={hist}>
                  <CartesianGrid strokeDasharray="3 3" stroke="var(--line)" />
                  <XAxis dataKey="bucket" tick={AXIS} interval="preserveStartEnd" />
                  <YAxis tick={AXIS} width={40} tickFormatter={formatCompact} />
                  <Tooltip contentStyle={TOOLTIP} />
                  <Bar dataKey="count" fill="var(--accent)" isAnimationActive={false} />
                </BarChart>
              </ResponsiveContainer>
            ) : (
              <p className="text-sm text-fg-muted">{numeric ? "No finite values in this partition." : "No histogram for this type."}</p>
            )}
          </ChartCard>
        )}
        <ChartCard title="Null fraction over partitions">
          <ResponsiveContainer>
            <LineChart data={series}>
              <CartesianGrid strokeDasharray="3 3" stroke="var(--line)" />
              <XAxis dataKey="partition" tick={AXIS} />
              <YAxis tick={AXIS} width={40} domain={[0, 1]} tickFormatter={(v: number) => formatPercent(v, 0)} />
              <Tooltip contentStyle={TOOLTIP} formatter={(v) => formatPercent(Number(v))} />
              <Line dataKey="nullFraction" stroke="#d97706" dot={false} isAnimationActive={false} />
            </LineChart>
          </ResponsiveContainer>
        </ChartCard>
        <ChartCard title={categorical && latest?.mean === null ? "Distinct values over partitions" : "Mean over partitions"}>
          <ResponsiveContainer>
            <LineChart data={series}>
              <CartesianGrid strokeDasharray="3 3" stroke="var(--line)" />
              <XAxis dataKey="partition" tick={AXIS} />
              <YAxis tick={AXIS} width={48} tickFormatter={formatCompact} />
              <Tooltip contentStyle={TOOLTIP} />
              <Line dataKey={categorical && latest?.mean === null ? "distinct" : "mean"} stroke="var(--accent)" dot={false} isAnimationActive={false} connectNulls />
            </LineChart>
          </ResponsiveContainer>
        </ChartCard>
      </div>
    </div>
  );
}
