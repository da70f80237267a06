"use client";
// The navigation below the md breakpoint (docs/console.md, "Phone and keyboard"): the side nav is
// hidden there, so a menu button in the top bar opens it as a drawer. The project layout publishes
// its project and the caller's access here (the top bar sits above that layout), so the drawer
// lists exactly what the side nav lists.
import Link from "next/link";
import { usePathname } from "next/navigation";
import { Dialog as D } from "radix-ui";
import { FolderOpen, Menu, Search, X } from "lucide-react";
import { useState } from "react";
import { usePublishedProject } from "./nav-drawer-context";
import { ProjectNavList } from "./side-nav";

export function NavDrawer() {
  const project = usePublishedProject();
  const pathname = usePathname();
  const [open, setOpen] = useState(false);
  // A link followed inside the drawer closes it (also back/forward while it is open).
  const [openedAt, setOpenedAt] = useState(pathname);
  if (open && openedAt !== pathname) setOpen(false);
  const onOpenChange = (o: boolean) => {
    setOpenedAt(pathname);
    setOpen(o);
  };
  const linkClass = "flex items-center gap-2 rounded-md px-2 py-2 text-sm text-fg-muted hover:bg-surface-2 hover:text-fg";
  return (
    <D.Root open={open} onOpenChange={onOpenChange}>
      <D.Trigger aria-label="Open navigation" className="-ml-1 rounded-md p-2 text-fg-muted hover:bg-surface-2 hover:text-fg md:hidden">
        <Menu aria-hidden className="size-5" />
      </D.Trigger>
      <D.Portal>
        <D.Overlay className="fixed inset-0 z-40 bg-black/40 md:hidden" />
        <D.Content className="fixed inset-y-0 left-0 z-50 flex w-72 max-w-[85vw] flex-col overflow-y-auto border-r border-line bg-surface p-3 shadow-xl md:hidden">
          <div className="mb-2 flex items-center justify-between gap-2 px-1">
            <D.Title className="text-sm font-semibold">Navigation</D.Title>
            <D.Description className="sr-only">Pages of the console{project ? ` and of project ${project.name}` : ""}</D.Description>
            <D.Close aria-label="Close navigation" className="rounded p-1.5 text-fg-muted hover:bg-surface-2">
              <X aria-hidden className="size-4" />
            </D.Close>
          </div>
          {project ? <ProjectNavList project={project.name} access={project.access} /> : null}
          <nav aria-label="Console" className="mt-4 border-t border-line pt-3">
            <ul className="space-y-0.5">
              <li>
                <Link href="/projects" className={linkClass}>
                  <FolderOpen aria-hidden className="size-4" />
                  All projects
                </Link>
              </li>
              <li>
                <Link href="/search" className={linkClass}>
                  <Search aria-hidden className="size-4" />
                  Search
                </Link>
              </li>
            </ul>
          </nav>
        </D.Content>
      </D.Portal>
    </D.Root>
  );
}
