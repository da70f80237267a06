"use client";
// What the project layout tells the top bar's navigation drawer (nav-drawer.tsx): the project and
// the caller's access in it, while a project page is shown.
import { createContext, useContext, useEffect, useState, type ReactNode } from "react";
import type { ProjectAccess } from "@/lib/console/capabilities";

interface PublishedProject {
  name: string;
  access: ProjectAccess;
}

const Ctx = createContext<{ project: PublishedProject | null; setProject: (p: PublishedProject | null) => void } | null>(null);

export function NavDrawerProvider({ children }: { children: ReactNode }) {
  const [project, setProject] = useState<PublishedProject | null>(null);
  return <Ctx.Provider value={{ project, setProject }}>{children}</Ctx.Provider>;
}

/** Called by the project's side nav: while it is mounted, the drawer lists the project's pages. */
export function usePublishProjectNav(name: string, access: ProjectAccess) {
  const setProject = useContext(Ctx)?.setProject;
  useEffect(() => {
    setProject?.({ name, access });
    return () => setProject?.(null);
  }, [setProject, name, access]);
}

export function usePublishedProject(): PublishedProject | null {
  return useContext(Ctx)?.project ?? null;
}
