"use client";
// Data preview of a view version (GET …/versions/{n}/preview): sample rows from the offline store,
// newest first, filtered by entity key and time; with a full entity key, its online value beside its
// historical value at the last online materialization. Values are shown exactly as stored (numbers as
// the server wrote them: every int64 digit, floats as floats).
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { api, ExactNumber } from "@/lib/console/api-client";
import { qk } from "@/lib/console/query-keys";
import { Badge } from "../../ui/badge";
import { Button } from "../../ui/button";
import { Card, CardBody, CardHeader } from "../../ui/card";
import { EmptyState } from "../../ui/empty-state";
import { ErrorState } from "../../ui/error-state";
import { Field, Input, NativeSelect } from "../../ui/input";
import { Skeleton } from "../../ui/skeleton";
import { TD, TH, THead, TR, Table } from "../../ui/table";

type Row = Record<string, unknown>;

interface OnlineAnswer {
  metadata: { feature_names: string[] };
  results: { values: unknown[]; statuses: string[]; event_timestamps: string[] }[];
}

export interface ViewPreviewOut {
  view: string;
  version: number;
  partitions: string[];
  columns: { name: string; type: string }[];
  rows: Row[];
  truncated: boolean;
  note?: string;
  comparison: { at: string | null; online: OnlineAnswer; offline: { columns: string[]; rows: Row[] } | null; offline_error: string | null } | null;
}

/** A stored value as text: exact numbers, JSON for lists, ∅ for null. */
export function cellText(v: unknown): string {
  if (v === null || v === undefined) return "∅";
  if (v instanceof ExactNumber) return v.text;
  if (Array.isArray(v)) return `[${v.map(cellText).join(", ")}]`;
  return String(v);
}

function Cell({ value }: { value: unknown }) {
  const empty = value === null || value === undefined;
  return <TD className={empty ? "text-fg-subtle" : "font-mono text-xs whitespace-nowrap"}>{cellText(value)}</TD>;
}

/** Stored rows as a table: one column per stored column (its type in the header), exact values. */
export function ValuesTable({ label, columns, rows }: { label: string; columns: { name: string; type: string }[]; rows: Row[] }) {
  return (
    <Table label={label}>
      <THead>
        <tr>
          {columns.map((c) => (
            <TH key={c.name} title={c.type}>
              {c.name} <span className="font-normal text-fg-subtle">{c.type.toLowerCase()}</span>
            </TH>
          ))}
        </tr>
      </THead>
      <tbody>
        {rows.map((r, i) => (
          <TR key={i}>
            {columns.map((c) => (
              <Cell key={c.name} value={r[c.name]} />
            ))}
          </TR>
        ))}
      </tbody>
    </Table>
  );
}

const LIMITS = [20, 50, 100, 500];

export function PreviewPanel({ project, view, version, joinKeys }: { project: string; view: string; version: number; joinKeys: string[] }) {
  const [draft, setDraft] = useState({ keys: Object.fromEntries(joinKeys.map((k) => [k, ""])) as Record<string, string>, start: "", end: "", limit: 20 });
  const [applied, setApplied] = useState(draft);
  const entity = Object.entries(applied.keys)
    .filter(([, v]) => v.trim() !== "")
    .map(([k, v]) => `${k}=${v.trim()}`);
  const query = {
    limit: applied.limit,
    entity,
    start: applied.start ? `${applied.start}:00Z` : undefined,
    end: applied.end ? `${applied.end}:00Z` : undefined,
  };
  const q = useQuery({
    queryKey: qk.preview(project, view, version, query),
    queryFn: ({ signal }) =>
      api.getExact<ViewPreviewOut>(`/api/v1/projects/${encodeURIComponent(project)}/feature-views/${encodeURIComponent(view)}/versions/${version}/preview`, query, signal),
  });
  return (
    <div className="space-y-4">
      <Card>
        <CardBody>
          <form
            className="flex flex-wrap items-end gap-3"
            aria-label="Preview filters"
            onSubmit={(e) => {
              e.preventDefault();
              setApplied(draft);
            }}
          >
            {joinKeys.map((k) => (
              <Field key={k} label={k} htmlFor={`preview-${k}`}>
                <Input id={`preview-${k}`} className="w-40" placeholder="any" value={draft.keys[k]} onChange={(e) => setDraft({ ...draft, keys: { ...draft.keys, [k]: e.target.value } })} />
              </Field>
            ))}
            <Field label="From (UTC)" htmlFor="preview-start">
              <Input id="preview-start" type="datetime-local" value={draft.start} onChange={(e) => setDraft({ ...draft, start: e.target.value })} />
            </Field>
            <Field label="Until (UTC)" htmlFor="preview-end">
              <Input id="preview-end" type="datetime-local" value={draft.end} onChange={(e) => setDraft({ ...draft, end: e.target.value })} />
            </Field>
            <Field label="Rows" htmlFor="preview-limit">
              <NativeSelect id="preview-limit" value={draft.limit} onChange={(e) => setDraft({ ...draft, limit: Number(e.target.value) })}>
                {LIMITS.map((n) => (
                  <option key={n} value={n}>
                    {n}
                  </option>
                ))}
              </NativeSelect>
            </Field>
            <Button type="submit" variant="primary" size="sm">
              Show
            </Button>
          </form>
        </CardBody>
      </Card>
      {q.isPending ? <Skeleton className="h-48 w-full" /> : q.isError ? <ErrorState error={q.error} onRetry={() => q.refetch()} /> : <PreviewResult data={q.data} keyCount={joinKeys.length} />}
    </div>
  );
}

function PreviewResult({ data, keyCount }: { data: ViewPreviewOut; keyCount: number }) {
  return (
    <>
      {data.comparison ? <Comparison comparison={data.comparison} keyCount={keyCount} /> : null}
      <Card>
        <CardHeader
          title="Offline rows"
          description={
            data.partitions.length
              ? `Newest first, from ${data.partitions.length} date partition${data.partitions.length === 1 ? "" : "s"} (${data.partitions.at(-1)} … ${data.partitions[0]})${data.truncated ? `; showing the first ${data.rows.length}` : ""}.`
              : undefined
          }
        />
        {data.rows.length === 0 ? (
          <EmptyState title="No rows" next={data.note ?? "No stored row matches these filters. Widen the time range or clear the entity key."} />
        ) : (
          <ValuesTable label="Offline rows" columns={data.columns} rows={data.rows} />
        )}
      </Card>
    </>
  );
}

function Comparison({ comparison, keyCount }: { comparison: NonNullable<ViewPreviewOut["comparison"]>; keyCount: number }) {
  const names = comparison.online.metadata.feature_names;
  const offline = comparison.offline?.rows[0];
  // The online answer echoes the join keys first (keyCount of them); the features follow.
  return (
    <Card>
      <CardHeader
        title="Online beside offline"
        description={comparison.at ? `The online store's values and the historical values as of the last online materialization, ${comparison.at}.` : "This view has not been materialized online yet."}
      />
      {comparison.offline_error ? <p className="px-4 pb-2 text-sm text-fg-muted">Offline: {comparison.offline_error}</p> : null}
      <Table label="Online beside offline">
        <THead>
          <tr>
            <TH>feature</TH>
            <TH>online</TH>
            <TH>status</TH>
            <TH>offline at the same time</TH>
            <TH>agree</TH>
          </tr>
        </THead>
        <tbody>
          {names.map((n, i) => {
            if (i < keyCount) return null;
            const on = comparison.online.results[i];
            const off = offline ? offline[n] : undefined;
            const agree = offline !== undefined && cellText(on.values[0]) === cellText(off);
            return (
              <TR key={n}>
                <TD className="font-medium">{n}</TD>
                <Cell value={on.values[0]} />
                <TD>
                  <Badge tone={on.statuses[0] === "PRESENT" ? "success" : "muted"}>{on.statuses[0]}</Badge>
                </TD>
                <Cell value={off} />
                <TD>{offline === undefined ? "—" : agree ? <Badge tone="success">yes</Badge> : <Badge tone="warning">differs</Badge>}</TD>
              </TR>
            );
          })}
        </tbody>
      </Table>
    </Card>
  );
}
