"use client";
import Link from "next/link";
import { jobRef, type JobView } from "@/lib/console/jobs";
import { formatDuration, formatNumber, formatRelative } from "@/lib/console/format";
import { links } from "@/lib/console/links";
import { StatusBadge } from "../../ui/badge";
import { ProgressBar } from "../../ui/progress";
import { TD, TH, THead, TR, Table } from "../../ui/table";

type JobWindow = Pick<JobView, "windowStart" | "windowEnd">;

/** Start and end of a job's window as `YYYY-MM-DD HH:MM` (… when open), or null without a window. */
function windowParts(j: JobWindow): [string, string] | null {
  if (!j.windowStart && !j.windowEnd) return null;
  const f = (s: string | null) => (s ? s.slice(0, 16).replace("T", " ") : "…");
  return [f(j.windowStart), f(j.windowEnd)];
}

export function windowLabel(j: JobWindow): string {
  const w = windowParts(j);
  return w ? `${w[0]} → ${w[1]}` : "—";
}

export function JobsTable({ project, jobs, showView = true, label = "Jobs" }: { project: string; jobs: JobView[]; showView?: boolean; label?: string }) {
  return (
    <Table label={label}>
      <THead>
        <tr>
          <TH>Job</TH>
          <TH>Status</TH>
          {showView ? <TH>View</TH> : null}
          <TH>Window (UTC)</TH>
          <TH>Progress</TH>
          <TH className="text-right">Rows read</TH>
          <TH className="text-right">Offline</TH>
          <TH className="text-right">Online</TH>
          <TH>Attempts</TH>
          <TH>Duration</TH>
          <TH>Created</TH>
        </tr>
      </THead>
      <tbody>
        {jobs.map((j) => (
          <TR key={j.id} data-job-id={j.id} data-status={j.status}>
            <TD>
              <Link href={links.job(project, j.id)} className="font-medium whitespace-nowrap hover:underline" title={j.id}>
                {j.kind.replace("_", " ")}
              </Link>
              <p className="font-mono text-[11px] whitespace-nowrap text-fg-subtle" data-testid="job-ref" title={j.id}>
                {jobRef(j)}
              </p>
            </TD>
            <TD>
              <StatusBadge status={j.status} />
            </TD>
            {showView ? (
              <TD>
                {j.view ? (
                  <Link className="hover:underline" href={links.featureView(project, j.view)}>
                    {j.view}
                    {j.version ? <span className="text-fg-subtle"> v{j.version}</span> : null}
                  </Link>
                ) : (
                  "—"
                )}
              </TD>
            ) : null}
            <TD className="font-mono text-xs whitespace-nowrap text-fg-muted">
              <WindowCell j={j} />
            </TD>
            <TD>
              <ProgressBar value={j.progress} status={j.status} label={`Progress of job ${j.id}`} />
            </TD>
            <TD className="text-right tabular-nums">{formatNumber(j.rowsRead)}</TD>
            <TD className="text-right tabular-nums">{formatNumber(j.rowsWrittenOffline)}</TD>
            <TD className="text-right tabular-nums">{formatNumber(j.rowsWrittenOnline)}</TD>
            <TD className="tabular-nums">
              {j.attempts}/{j.maxAttempts}
            </TD>
            <TD className="whitespace-nowrap">{formatDuration(j.startedAt, j.finishedAt)}</TD>
            <TD className="whitespace-nowrap text-fg-muted">{formatRelative(j.createdAt)}</TD>
          </TR>
        ))}
      </tbody>
    </Table>
  );
}

/** Start over end, one line each: the table keeps all its columns on a laptop screen. */
function WindowCell({ j }: { j: JobWindow }) {
  const w = windowParts(j);
  if (!w) return "—";
  return (
    <span>
      <span className="block">{w[0]}</span>
      <span className="block">→ {w[1]}</span>
    </span>
  );
}
