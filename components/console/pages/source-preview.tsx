"use client";
// A source's schema and first rows (GET …/sources/{s}/preview), read the way materialization reads
// it; values shown exactly as stored.
import { useQuery } from "@tanstack/react-query";
import { api } from "@/lib/console/api-client";
import { qk } from "@/lib/console/query-keys";
import { Card, CardHeader } from "../../ui/card";
import { EmptyState } from "../../ui/empty-state";
import { Skeleton } from "../../ui/skeleton";
import { ValuesTable } from "../feature-view/preview-panel";
import { QueryState } from "../query-state";

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
      <QueryState query={q} skeleton={<Skeleton className="h-40 w-full" />} isEmpty={(data) => data.rows.length === 0} empty={<EmptyState title="No rows" next="The source has no rows yet." />}>
        {(data) => (
          <ValuesTable label="Source preview" columns={data.columns} rows={data.rows} />
        )}
      </QueryState>
    </Card>
  );
}
