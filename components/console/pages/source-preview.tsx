"use client";
// A source's schema and first rows (GET …/sources/{s}/preview), read the way materialization reads
// it; values shown exactly as stored.
import { useQuery } from "@tanstack/react-query";
import { api } from "@/lib/console/api-client";
import { qk } from "@/lib/console/query-keys";
import { Card, CardHeader } from "../../ui/card";
import { EmptyState } from "../../ui/empty-state";
import { ErrorState } from "../../ui/error-state";
import { Skeleton } from "../../ui/skeleton";
import { TD, TH, THead, TR, Table } from "../../ui/table";
import { cellText } from "../feature-view/preview-panel";

interface SourcePreviewOut {
  source: string;
  columns: { name: string; type: string }[];
  rows: Record<string, unknown>[];
  truncated: boolean;
}

export function SourcePreview({ project, source }: { project: string; source: string }) {
  const q = useQuery({
    queryKey: qk.sourcePreview(project, source),
    queryFn: ({ signal }) => api.getExact<SourcePreviewOut>(`/api/v1/projects/${encodeURIComponent(project)}/sources/${encodeURIComponent(source)}/preview`, { limit: 20 }, signal),
  });
  return (
    <Card className="mt-4">
      <CardHeader title="Preview" description="Schema and first rows, read as materialization reads the source." />
      {q.isPending ? (
        <Skeleton className="h-40 w-full" />
      ) : q.isError ? (
        <ErrorState error={q.error} onRetry={() => q.refetch()} />
      ) : q.data.rows.length === 0 ? (
        <EmptyState title="No rows" next="The source has no rows yet." />
      ) : (
        <Table label="Source preview">
          <THead>
            <tr>
              {q.data.columns.map((c) => (
                <TH key={c.name}>
                  {c.name} <span className="font-normal text-fg-subtle">{c.type}</span>
                </TH>
              ))}
            </tr>
          </THead>
          <tbody>
            {q.data.rows.map((r, i) => (
              <TR key={i}>
                {q.data.columns.map((c) => (
                  <TD key={c.name} className="font-mono text-xs whitespace-nowrap">
                    {cellText(r[c.name])}
                  </TD>
                ))}
              </TR>
            ))}
          </tbody>
        </Table>
      )}
    </Card>
  );
}
