"use client";
// Data-quality rule results of one job (job page) or of a view's latest checked job (view page).
import { useQuery } from "@tanstack/react-query";
import { api } from "@/lib/console/api-client";
import type { QualityResultOut } from "@/lib/monitoring/monitoring-schema";
import { Badge, type BadgeTone } from "../../ui/badge";
import { EmptyState } from "../../ui/empty-state";
import { QueryState } from "../query-state";
import { TableSkeleton } from "../../ui/skeleton";

const TONE: Record<string, BadgeTone> = { pass: "success", warn: "warning", fail: "danger" };

export function QualityResults({ project, jobId, view }: { project: string; jobId?: string; view?: string }) {
  const path = jobId
    ? `/api/v1/projects/${encodeURIComponent(project)}/jobs/${encodeURIComponent(jobId)}/quality`
    : `/api/v1/projects/${encodeURIComponent(project)}/feature-views/${encodeURIComponent(view ?? "")}/quality`;
  const q = useQuery({ queryKey: ["project", project, "quality", jobId ?? `view:${view}`], queryFn: ({ signal }) => api.get<{ items: QualityResultOut[] }>(path, undefined, signal) });
  return (
    <QueryState
      query={q}
      skeleton={<TableSkeleton rows={3} cols={4} />}
      isEmpty={(d) => d.items.length === 0}
      empty={<EmptyState title="No data-quality results" next={<>Declare rules under <code>monitoring</code> in the feature repo (docs/monitoring.md); each materialization checks them.</>} />}
    >
      {(d) => <ResultsTable items={d.items} />}
    </QueryState>
  );
}

function ResultsTable({ items }: { items: QualityResultOut[] }) {
  const bad = items.filter((i) => i.status !== "pass");
  return (
    <div data-testid="quality-results">
      <p className="px-4 py-2 text-xs text-fg-muted">
        {items.length - bad.length} of {items.length} checks pass{bad.length ? `; ${bad.length} not passing` : ""}.
      </p>
      <table className="w-full text-sm">
        <thead className="text-left text-xs text-fg-muted">
          <tr>
            <th className="px-4 py-1">Partition</th>
            <th className="px-4 py-1">Rule</th>
            <th className="px-4 py-1">Status</th>
            <th className="px-4 py-1">Result</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-line">
          {[...bad, ...items.filter((i) => i.status === "pass")].map((i, k) => (
            <tr key={k}>
              <td className="px-4 py-1 tabular-nums">{i.partition}</td>
              <td className="px-4 py-1">
                {i.rule}
                {i.feature ? <span className="text-fg-muted"> · {i.feature}</span> : null}
                {i.onFail === "fail" ? <span className="ml-1 text-xs text-fg-subtle">(on_fail: fail)</span> : null}
              </td>
              <td className="px-4 py-1">
                <Badge tone={TONE[i.status] ?? "muted"}>{i.status}</Badge>
              </td>
              <td className="px-4 py-1 text-fg-muted">{i.message}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
