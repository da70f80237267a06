"use client";
// The console's 404: says what does not exist and links to what does. Rendered by the not-found
// boundaries (an unknown project or page) and by a page whose main object the API answers 404 for
// (QueryState `page`). Nothing to retry: asking again cannot make it exist.
import Link from "next/link";
import { usePathname } from "next/navigation";
import { FileQuestion } from "lucide-react";
import { describeMissing, type Missing } from "@/lib/console/not-found";
import { useProjects } from "./use-projects";

export function NotFound({ missing, detail, listProjects = true }: { missing?: Missing; detail?: string; listProjects?: boolean }) {
  const pathname = usePathname();
  const m = missing ?? describeMissing(pathname);
  return (
    <div data-testid="not-found" className="mx-auto max-w-xl py-10">
      <title>{`Not found · Larder`}</title>
      <div className="rounded-lg border border-line bg-surface p-6 shadow-sm">
        <p className="flex items-center gap-2 text-xs font-semibold tracking-wide text-fg-subtle uppercase">
          <FileQuestion aria-hidden className="size-4" /> 404 · not found
        </p>
        <h1 className="mt-2 text-lg font-semibold break-words">{m.title}.</h1>
        {detail && !squash(m.title).includes(squash(detail)) ? <p className="mt-1 text-sm text-fg-muted">{detail}</p> : null}
        {m.missingProject && listProjects ? <YourProjects /> : null}
        <ul className="mt-4 flex flex-wrap gap-x-4 gap-y-2 text-sm">
          {m.links.map((l) => (
            <li key={l.href}>
              <Link href={l.href} className="font-medium text-accent hover:underline">
                {l.label}
              </Link>
            </li>
          ))}
        </ul>
      </div>
    </div>
  );
}

/** Letters and digits only: the API's detail often says the same as the title with other quotes. */
const squash = (s: string) => s.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, "");

function YourProjects() {
  const { data } = useProjects();
  if (!data?.items.length) return null;
  return (
    <div className="mt-4">
      <p className="text-sm text-fg-muted">Projects you can open:</p>
      <ul className="mt-1 flex flex-wrap gap-2">
        {data.items.map((p) => (
          <li key={p.name}>
            <Link href={`/projects/${encodeURIComponent(p.name)}`} className="inline-flex rounded-md border border-line px-2 py-1 text-sm hover:border-accent">
              {p.name}
            </Link>
          </li>
        ))}
      </ul>
    </div>
  );
}
