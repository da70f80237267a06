"use client";
// The project switcher's menu: a filter box over the caller's projects (type to narrow, arrow down
// into the list), their role in each, and a link to all projects.
import { Check } from "lucide-react";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { DropdownContent, DropdownItem, DropdownLabel, DropdownSeparator } from "../ui/dropdown";
import { useProjects } from "./use-projects";

export function ProjectSwitcherMenu({ current }: { current: string | undefined }) {
  const router = useRouter();
  const { data, isLoading } = useProjects();
  const [filter, setFilter] = useState("");
  const f = filter.trim().toLowerCase();
  const items = (data?.items ?? []).filter((p) => !f || p.name.toLowerCase().includes(f) || (p.description ?? "").toLowerCase().includes(f));
  return (
    <DropdownContent align="start">
      <DropdownLabel>Projects</DropdownLabel>
      {data && data.items.length > 1 ? (
        <input
          type="search"
          aria-label="Filter projects"
          placeholder="Filter projects…"
          autoFocus
          value={filter}
          onChange={(e) => setFilter(e.target.value)}
          // The menu's type-ahead would take the letters; arrows and Escape stay with the menu.
          onKeyDown={(e) => {
            if (e.key !== "ArrowDown" && e.key !== "ArrowUp" && e.key !== "Escape" && e.key !== "Tab") e.stopPropagation();
          }}
          className="mx-1 mb-1 h-8 w-[calc(100%-0.5rem)] rounded-md border border-line bg-surface-2 px-2 text-sm placeholder:text-fg-subtle"
        />
      ) : null}
      {isLoading ? <p className="px-2 py-1.5 text-xs text-fg-muted">Loading…</p> : null}
      {data?.items.length === 0 ? <p className="px-2 py-1.5 text-xs text-fg-muted">You are not a member of any project yet. Ask an admin to add you.</p> : null}
      {data && data.items.length > 0 && items.length === 0 ? <p className="px-2 py-1.5 text-xs text-fg-muted">No project matches “{filter.trim()}”.</p> : null}
      <div className="max-h-72 overflow-y-auto">
        {items.map((p) => (
          <DropdownItem key={p.name} onSelect={() => router.push(`/projects/${encodeURIComponent(p.name)}`)}>
            <Check aria-hidden className={`size-3.5 ${p.name === current ? "" : "invisible"}`} />
            <span className="flex-1 truncate">{p.name}</span>
            <span className="text-xs text-fg-subtle">{p.role ?? "instance admin"}</span>
          </DropdownItem>
        ))}
      </div>
      <DropdownSeparator />
      <DropdownItem onSelect={() => router.push("/projects")}>All projects</DropdownItem>
    </DropdownContent>
  );
}
