"use client";
// Client-side providers of the console: TanStack Query (the only home of server state) and
// Radix tooltips.
import { QueryCache, QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { useState, type ReactNode } from "react";
import { ApiError } from "@/lib/console/api-client";
import { TooltipProvider } from "./ui/tooltip";

/**
 * A read answered 401: the session ended (signed out elsewhere, expired, revoked). Back to the sign-in
 * page, which returns here after; a tab left polling would otherwise keep presenting the dead cookie
 * and count as repeated credential failures against the whole network address (docs/security.md).
 */
function signInAgain(err: unknown): void {
  if (!(err instanceof ApiError) || err.status !== 401 || typeof window === "undefined") return;
  if (window.location.pathname === "/login") return;
  window.location.assign(`/login?next=${encodeURIComponent(window.location.pathname + window.location.search)}`);
}

export function makeQueryClient() {
  return new QueryClient({
    queryCache: new QueryCache({ onError: signInAgain }),
    defaultOptions: {
      queries: {
        staleTime: 30_000,
        refetchOnWindowFocus: false,
        // 4xx answers are final (bad input, forbidden, missing): retrying cannot change them.
        retry: (count, err) => !(err instanceof ApiError && err.status >= 400 && err.status < 500) && count < 2,
      },
      mutations: { retry: false },
    },
  });
}

export function Providers({ children }: { children: ReactNode }) {
  const [client] = useState(makeQueryClient);
  return (
    <QueryClientProvider client={client}>
      <TooltipProvider delayDuration={300}>{children}</TooltipProvider>
    </QueryClientProvider>
  );
}
