"use client";
import Link from "next/link";
import { useParams } from "next/navigation";
import { ChevronsUpDown, LogOut, Search, User } from "lucide-react";
import { useState } from "react";
import { api } from "@/lib/console/api-client";
import { ThemeToggle } from "../ui/theme-toggle";
import { DropdownContent, DropdownItem, DropdownLabel, DropdownRoot, DropdownSeparator, DropdownTrigger } from "../ui/dropdown";
import { CommandPalette } from "./command-palette";
import { SearchBox } from "./header-search";
import { NavDrawer } from "./nav-drawer";
import { ProjectSwitcherMenu } from "./project-switcher-menu";

export interface ConsoleUser {
  email: string;
  name: string;
  isAdmin: boolean;
}

function ProjectSwitcher() {
  const params = useParams<{ project?: string }>();
  const current = params.project ? decodeURIComponent(params.project) : undefined;
  return (
    <DropdownRoot>
      <DropdownTrigger
        aria-label="Switch project"
        className="inline-flex h-8 max-w-56 min-w-0 items-center max-sm:max-w-36 gap-2 rounded-md border border-line px-2.5 text-sm hover:bg-surface-2"
      >
        <span className="truncate">{current ?? "Select a project"}</span>
        <ChevronsUpDown aria-hidden className="size-3.5 shrink-0 text-fg-muted" />
      </DropdownTrigger>
      <ProjectSwitcherMenu current={current} />
    </DropdownRoot>
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
    <header className="sticky top-0 z-30 flex h-12 items-center gap-3 border-b max-sm:gap-1.5 border-line bg-surface/95 px-3 backdrop-blur">
      <NavDrawer />
      <Link href="/projects" aria-label="Larder" className="flex shrink-0 items-center gap-2 rounded px-1 font-semibold tracking-tight">
        <span aria-hidden className="grid size-6 place-items-center rounded bg-accent text-xs text-accent-fg">L</span>
        <span aria-hidden className="max-sm:hidden">Larder</span>
      </Link>
      <ProjectSwitcher />
      {/* Below sm the box would leave no room: a search button opens the search page instead. */}
      <div className="flex flex-1 justify-center max-sm:hidden">
        <SearchBox />
      </div>
      <div className="flex-1 sm:hidden" />
      <Link href="/search" aria-label="Search" className="rounded-md p-2 text-fg-muted hover:bg-surface-2 hover:text-fg sm:hidden">
        <Search aria-hidden className="size-4" />
      </Link>
      <CommandPalette />
      <ThemeToggle />
      <UserMenu user={user} />
    </header>
  );
}
