"use client";
// Picks one feature view of a project from the list of its views (type to narrow). A catalog with
// more views than one page holds narrows on the server (search API) as the text changes.
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { api } from "@/lib/console/api-client";
import type { FeatureViewSummaryOut, Page } from "@/lib/console/api-types";
import { qk } from "@/lib/console/query-keys";
import { normalizeSearch } from "@/lib/console/search";
import { useDebounced } from "@/lib/console/use-debounced";
import { Combobox } from "../ui/combobox";

const FIRST = { limit: 200, offset: 0, sort: "name" };

export function ViewPicker({ id, project, value, onChange, anyLabel = "Any view", className }: { id?: string; project: string; value: string; onChange: (view: string) => void; anyLabel?: string; className?: string }) {
  const [text, setText] = useState("");
  const typed = useDebounced(text.trim(), 150);
  const views = useQuery({
    queryKey: qk.list(project, "feature-views", FIRST),
    queryFn: ({ signal }) => api.get<Page<FeatureViewSummaryOut>>(`/api/v1/projects/${encodeURIComponent(project)}/feature-views`, FIRST, signal),
  });
  const more = (views.data?.total ?? 0) > FIRST.limit;
  const searchQuery = { q: typed, kind: "feature_view", project, limit: 50 };
  const found = useQuery({
    queryKey: qk.search(searchQuery),
    queryFn: async ({ signal }) => normalizeSearch(await api.get("/api/v1/search", searchQuery, signal)),
    enabled: more && typed.length > 0,
    placeholderData: keepPreviousData,
  });
  const names = more && typed ? (found.data?.items.map((h) => h.name) ?? []) : (views.data?.items.map((v) => v.name) ?? []);
  return (
    <Combobox
      id={id}
      label="Feature view"
      value={value}
      options={names.map((n) => ({ value: n }))}
      onChange={onChange}
      placeholder={anyLabel}
      anyLabel={anyLabel}
      searchPlaceholder="Type a view name…"
      emptyText={views.isPending ? "Loading views…" : "No view matches."}
      onSearch={more ? setText : undefined}
      loading={views.isPending}
      className={className}
    />
  );
}
