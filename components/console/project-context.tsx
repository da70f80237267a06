"use client";
import { createContext, useContext, type ReactNode } from "react";
import type { ProjectAccess } from "@/lib/console/capabilities";

const Ctx = createContext<ProjectAccess | null>(null);

export function ProjectAccessProvider({ access, children }: { access: ProjectAccess; children: ReactNode }) {
  return <Ctx.Provider value={access}>{children}</Ctx.Provider>;
}

/** The caller's role and permissions in the current project (computed by the server with can()). */
export function useProjectAccess(): ProjectAccess {
  const v = useContext(Ctx);
  if (!v) throw new Error("useProjectAccess() outside a project page");
  return v;
}

/** Renders children only when the caller holds the permission; the server refuses anyway. */
export function IfCan({ permission, children, fallback = null }: { permission: keyof ProjectAccess["can"]; children: ReactNode; fallback?: ReactNode }) {
  return useProjectAccess().can[permission] ? <>{children}</> : <>{fallback}</>;
}
