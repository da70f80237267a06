// The signed-in console: every page under this group needs a session (else → /login).
import { Suspense } from "react";
import { requirePrincipal } from "@/lib/auth/current-principal";
import { Providers } from "@/components/providers";
import { NavDrawerProvider } from "@/components/console/nav-drawer-context";
import { TopBar } from "@/components/console/top-bar";

export const dynamic = "force-dynamic";

export default async function ConsoleLayout({ children }: { children: React.ReactNode }) {
  const principal = await requirePrincipal();
  const user = { email: principal.email, name: principal.kind === "user" ? principal.name : "", isAdmin: principal.isAdmin };
  return (
    <Providers>
      <a href="#main" className="sr-only focus:not-sr-only focus:fixed focus:top-2 focus:left-2 focus:z-50 focus:rounded focus:bg-surface focus:px-3 focus:py-2">
        Skip to content
      </a>
      <NavDrawerProvider>
        <div className="flex min-h-screen flex-col">
          <Suspense fallback={<div className="h-12 border-b border-line bg-surface" />}>
            <TopBar user={user} />
          </Suspense>
          <div className="flex min-w-0 flex-1">{children}</div>
        </div>
      </NavDrawerProvider>
    </Providers>
  );
}
