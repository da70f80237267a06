"use client";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { clsx } from "clsx";
import {
  Bell,
  Boxes,
  Database,
  GitFork,
  Layers,
  LayoutDashboard,
  ListChecks,
  Package,
  Shield,
  Sparkles,
  Users,
} from "lucide-react";
import { seg } from "@/lib/console/api-client";
import type { ProjectAccess } from "@/lib/console/capabilities";
import { usePublishProjectNav } from "./nav-drawer-context";
import { useProjectAccess } from "./project-context";

export function projectNav(project: string) {
  const base = `/projects/${seg(project)}`;
  return [
    { href: base, label: "Overview", icon: LayoutDashboard, exact: true },
    { href: `${base}/features`, label: "Features", icon: Sparkles },
    { href: `${base}/feature-views`, label: "Feature views", icon: Layers },
    { href: `${base}/entities`, label: "Entities", icon: Users },
    { href: `${base}/sources`, label: "Sources", icon: Database },
    { href: `${base}/feature-services`, label: "Feature services", icon: Package },
    { href: `${base}/models`, label: "Models", icon: Boxes },
    { href: `${base}/lineage`, label: "Lineage", icon: GitFork },
    { href: `${base}/jobs`, label: "Jobs", icon: ListChecks },
    { href: `${base}/access`, label: "Access", icon: Shield, permission: "members.read" as const },
    { href: `${base}/alerts`, label: "Alerts", icon: Bell },
  ];
}

/** The project's pages: the side nav at md and up, the drawer of the top bar below (nav-drawer.tsx). */
export function ProjectNavList({ project, access }: { project: string; access: ProjectAccess }) {
  const pathname = usePathname();
  return (
    <nav aria-label="Project">
      <p className="mb-2 truncate px-2 text-xs font-semibold tracking-wide text-fg-subtle uppercase" title={project}>
        {project}
      </p>
      <ul className="space-y-0.5">
        {projectNav(project)
          .filter((item) => !item.permission || access.can[item.permission])
          .map((item) => {
            const active = item.exact ? pathname === item.href : pathname === item.href || pathname.startsWith(`${item.href}/`);
            const Icon = item.icon;
            return (
              <li key={item.href}>
                <Link
                  href={item.href}
                  aria-current={active ? "page" : undefined}
                  className={clsx(
                    "flex items-center gap-2 rounded-md px-2 py-1.5 text-sm",
                    active ? "bg-accent-soft font-medium text-fg" : "text-fg-muted hover:bg-surface-2 hover:text-fg",
                  )}
                >
                  <Icon aria-hidden className="size-4" />
                  {item.label}
                </Link>
              </li>
            );
          })}
      </ul>
      <p className="mt-6 px-2 text-xs text-fg-subtle">
        Your role: <span className="font-medium text-fg-muted">{access.role ?? "none"}</span>
      </p>
    </nav>
  );
}

export function SideNav({ project }: { project: string }) {
  const access = useProjectAccess();
  usePublishProjectNav(project, access);
  return (
    <div className="w-52 shrink-0 border-r border-line bg-surface px-2 py-4 max-md:hidden">
      <ProjectNavList project={project} access={access} />
    </div>
  );
}
