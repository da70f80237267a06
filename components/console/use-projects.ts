"use client";
import { useQuery } from "@tanstack/react-query";
import { api } from "@/lib/console/api-client";
import type { Page, ProjectOut } from "@/lib/console/api-types";
import { qk } from "@/lib/console/query-keys";

/** The projects the caller can open (the switcher, the projects page, the 404 page). */
export function useProjects() {
  return useQuery({ queryKey: qk.projects(), queryFn: ({ signal }) => api.get<Page<ProjectOut>>("/api/v1/projects", { limit: 200 }, signal) });
}
