"use client";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { api, type QueryValue } from "@/lib/console/api-client";
import { anyActive, normalizeJobDetail, normalizeJobPage, ACTIVE_STATUSES } from "@/lib/console/jobs";
import { qk } from "@/lib/console/query-keys";

/** Polls every 2 s while any listed job is queued, running or retrying; stops when all are done. */
export function useJobs(query: Record<string, QueryValue>) {
  return useQuery({
    queryKey: qk.jobs(query),
    queryFn: async ({ signal }) => normalizeJobPage(await api.get("/api/v1/jobs", query, signal)),
    placeholderData: keepPreviousData,
    refetchInterval: (q) => (q.state.data && anyActive(q.state.data.items) ? 2000 : false),
  });
}

export function useJob(id: string) {
  return useQuery({
    queryKey: qk.job(id),
    queryFn: async ({ signal }) => normalizeJobDetail(await api.get(`/api/v1/jobs/${encodeURIComponent(id)}`, undefined, signal)),
    refetchInterval: (q) => (q.state.data && (ACTIVE_STATUSES.has(q.state.data.status) || anyActive(q.state.data.children)) ? 1500 : false),
  });
}
