"use client";
// A page that failed while rendering on the server, e.g. the console layout could not resolve the
// session because PostgreSQL is down. Production hides the message from the browser; the digest is
// the key of the server's log line. (Data the pages fetch from the API shows its own problem+json
// errors in place, with the API's detail.)
import { AlertTriangle } from "lucide-react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { startTransition } from "react";
import { Button } from "@/components/ui/button";

export default function PageError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  const router = useRouter();
  const retry = () =>
    startTransition(() => {
      // Server-rendered parts render again only after a refresh; reset() clears this boundary.
      router.refresh();
      reset();
    });
  return (
    <main className="flex min-h-screen items-center justify-center p-6">
      <div role="alert" className="max-w-md space-y-3 rounded-md border border-line bg-surface p-6 text-sm shadow-sm">
        <p className="flex items-center gap-2 text-base font-semibold">
          <AlertTriangle aria-hidden className="size-5 text-danger" />
          Larder could not load this page
        </p>
        <p className="text-fg-muted">
          The server failed while building it. When the registry database (PostgreSQL) or Redis is down, pages load again
          as soon as they are back; the API answers <code>503</code> meanwhile.
        </p>
        {error.digest ? (
          <p className="text-xs text-fg-muted">
            The server logged the cause under error <code>{error.digest}</code>.
          </p>
        ) : null}
        <div className="flex gap-2 pt-1">
          <Button variant="primary" size="sm" onClick={retry}>
            Try again
          </Button>
          <Link className="inline-flex items-center px-2 text-sm text-fg-muted hover:underline" href="/projects">
            All projects
          </Link>
        </div>
      </div>
    </main>
  );
}
