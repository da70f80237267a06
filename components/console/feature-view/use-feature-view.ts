"use client";
import { useQuery } from "@tanstack/react-query";
import { api } from "@/lib/console/api-client";
import type { FeatureViewDetailOut } from "@/lib/console/api-types";
import { qk } from "@/lib/console/query-keys";

export function useFeatureView(project: string, view: string) {
  return useQuery({
    queryKey: qk.featureView(project, view),
    queryFn: ({ signal }) => api.get<FeatureViewDetailOut>(`/api/v1/projects/${encodeURIComponent(project)}/feature-views/${encodeURIComponent(view)}`, undefined, signal),
  });
}

export function joinKeysOf(definition: Record<string, unknown>): Array<{ name: string; dtype: string }> {
  const jk = definition.join_keys;
  return Array.isArray(jk) ? (jk as Array<{ name: string; dtype: string }>) : [];
}
