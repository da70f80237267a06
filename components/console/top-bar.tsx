"use client";
import Link from "next/link";
import { useParams, useRouter, useSearchParams, usePathname } from "next/navigation";
import { Check, ChevronsUpDown, LogOut, Search, User } from "lucide-react";
import { useState, type FormEvent } from "react";
import { api } from "@/lib/console/api-client";
import { searchPageUrl } from "@/lib/console/search";
import { ThemeToggle } from "../ui/theme-toggle";
import { DropdownContent, DropdownItem, DropdownLabel, DropdownRoot, DropdownSeparator, DropdownTrigger } from "../ui/dropdown";
import { CommandPalette } from "./command-palette";
import { useProjects } from "./use-projects";

export interface ConsoleUser {
  email: string;
  name: string;
  isAdmin: boolean;
}

function ProjectSwitcher() {
  const params = useParams<{ project?: string }>();
  const current = params.project ? decodeURIComponent(params.project) : undefined;
  const router = useRouter();
  const { data, isLoading } = useProjects();
  return (
    <DropdownRoot>
      <DropdownTrigger
        aria-label="Switch project"
        className="inline-flex h-8 max-w-56 items-center gap-2 rounded-md border border-line px-2.5 text-sm hover:bg-surface-2"
      >
        <span className="truncate">{current ?? "Select a project"}</span>
        <ChevronsUpDown aria-hidden className="size-3.5 shrink-0 text-fg-muted" />
      </DropdownTrigger>
      <DropdownContent align="start">
        <DropdownLabel>Projects</DropdownLabel>
        {isLoading ? <p className="px-2 py-1.5 text-xs text-fg-muted">Loading…</p> : null}
        {data?.items.length === 0 ? <p className="px-2 py-1.5 text-xs text-fg-muted">You are not a member of any project yet. Ask an admin to add you.</p> : null}
        {data?.items.map((p) => (
          <DropdownItem key={p.name} onSelect={() => router.push(`/projects/${encodeURIComponent(p.name)}`)}>
            <Check aria-hidden className={`size-3.5 ${p.name === current ? "" : "invisible"}`} />
            <span className="flex-1 truncate">{p.name}</span>
            <span className="text-xs text-fg-subtle">{p.role ?? "instance admin"}</span>
          </DropdownItem>
        ))}
        <DropdownSeparator />
        <DropdownItem onSelect={() => router.push("/projects")}>All projects</DropdownItem>
      </DropdownContent>
    </DropdownRoot>
  );
}

function SearchBox() {
  const router = useRouter();
  const pathname = usePathname();
  const sp = useSearchParams();
  const [q, setQ] = useState(pathname === "/search" ? (sp.get("q") ?? "") : "");
  const submit = (e: FormEvent) => {
    e.preventDefault();
    router.push(searchPageUrl(q.trim()));
  };
  return (
    <form role="search" onSubmit={submit} className="relative w-full max-w-md">
      <Search aria-hidden className="pointer-events-none absolute top-1/2 left-2.5 size-4 -translate-y-1/2 text-fg-subtle" />
      <input
        type="search"
        name="q"
        aria-label="Search features, views, entities, sources, services and models"
        placeholder="Search the catalog…"
        value={q}
        onChange={(e) => setQ(e.target.value)}
        className="h-8 w-full rounded-md border border-line bg-surface-2 pr-16 pl-8 text-sm placeholder:text-fg-subtle"
      />
      <kbd className="pointer-events-none absolute top-1/2 right-2 -translate-y-1/2 rounded border border-line bg-surface px-1.5 text-[10px] text-fg-subtle">Ctrl K</kbd>
    </form>
  );
}

function UserMenu({ user }: { user: ConsoleUser }) {
  const [busy, setBusy] = useState(false);
  const logout = async () => {
    setBusy(true);
    try {
      await api.post("/api/v1/auth/logout");
    } finally {
      // A full navigation drops every cached query of the old session.
      window.location.assign("/login");
    }
  };
  return (
    <DropdownRoot>
      <DropdownTrigger aria-label="Account menu" className="inline-flex size-8 items-center justify-center rounded-full border border-line bg-surface-2 hover:brightness-95">
        <User aria-hidden className="size-4" />
      </DropdownTrigger>
      <DropdownContent>
        <DropdownLabel>
          <span className="block font-medium text-fg">{user.name || user.email}</span>
          <span className="block">{user.email}</span>
          {user.isAdmin ? <span className="block">Instance administrator</span> : null}
        </DropdownLabel>
        <DropdownSeparator />
        <DropdownItem onSelect={logout}>
          <LogOut aria-hidden className="size-4" />
          {busy ? "Signing out…" : "Sign out"}
        </DropdownItem>
      </DropdownContent>
    </DropdownRoot>
  );
}

export function TopBar({ user }: { user: ConsoleUser }) {
  return (
    <header className="sticky top-0 z-30 flex h-12 items-center gap-3 border-b border-line bg-surface/95 px-3 backdrop-blur">
      <Link href="/projects" className="flex items-center gap-2 rounded px-1 font-semibold tracking-tight">
        <span aria-hidden className="grid size-6 place-items-center rounded bg-accent text-xs text-accent-fg">L</span>
        Larder
      </Link>
      <ProjectSwitcher />
      <div className="flex flex-1 justify-center">
        <SearchBox />
      </div>
      <CommandPalette />
      <ThemeToggle />
      <UserMenu user={user} />
    </header>
  );
}
