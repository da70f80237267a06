"use client";
// The header's search box. Elsewhere it shows the best hits as you type (debounced), the query's
// words highlighted; arrows pick one, Enter opens it, or the search page when none is picked. On the
// search page the box and the page share the URL's `q`: typing in either updates the other.
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { Search } from "lucide-react";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useEffect, useState, type FormEvent, type KeyboardEvent } from "react";
import { api } from "@/lib/console/api-client";
import { qk } from "@/lib/console/query-keys";
import { KIND_LABEL, normalizeSearch, searchPageUrl } from "@/lib/console/search";
import { useDebounced } from "@/lib/console/use-debounced";
import { Highlight } from "./highlight";
import { ViewStateBadge } from "./monitoring/health-panel";

const LIST_ID = "header-search-results";
const HITS = 6;

export function SearchBox() {
  const router = useRouter();
  const pathname = usePathname();
  const sp = useSearchParams();
  const onSearchPage = pathname === "/search";
  const urlQ = onSearchPage ? (sp.get("q") ?? "") : "";
  const [q, setQ] = useState(urlQ);
  // The box follows the URL when the search page (or back/forward) changes it.
  const [seenUrlQ, setSeenUrlQ] = useState(urlQ);
  if (seenUrlQ !== urlQ) {
    setSeenUrlQ(urlQ);
    if (onSearchPage) setQ(urlQ);
  }
  const debounced = useDebounced(q.trim(), 200);
  useEffect(() => {
    if (!onSearchPage || debounced === urlQ.trim()) return;
    // Same filters, new words, first page.
    const next = new URLSearchParams(sp.toString());
    if (debounced) next.set("q", debounced);
    else next.delete("q");
    next.delete("page");
    router.replace(`/search${next.size ? `?${next}` : ""}`, { scroll: false });
  }, [debounced]); // eslint-disable-line react-hooks/exhaustive-deps

  const [open, setOpen] = useState(false);
  const live = useDebounced(q.trim(), 150);
  const query = { q: live, limit: HITS };
  const { data, isFetching } = useQuery({
    queryKey: qk.search(query),
    queryFn: async ({ signal }) => normalizeSearch(await api.get("/api/v1/search", query, signal)),
    enabled: !onSearchPage && open && live.length > 0,
    placeholderData: keepPreviousData,
  });
  const showList = !onSearchPage && open && live.length > 0 && q.trim().length > 0;
  const hits = data?.items ?? [];
  // Options: the hits, then "See all results". An arrow pick holds for the words it was made for.
  const [picked, setPicked] = useState<{ q: string; index: number } | null>(null);
  const active = picked && picked.q === live ? picked.index : -1;
  const optionCount = hits.length + 1;

  const go = (href: string) => {
    setOpen(false);
    setPicked(null);
    if (href.startsWith("/search")) setQ(q.trim());
    else setQ("");
    router.push(href);
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (showList && active >= 0 && active < hits.length) go(hits[active].href);
    else go(searchPageUrl(q.trim()));
  };
  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === "Escape") {
      setOpen(false);
      return;
    }
    if (e.key !== "ArrowDown" && e.key !== "ArrowUp") return;
    e.preventDefault();
    setOpen(true);
    const step = e.key === "ArrowDown" ? 1 : -1;
    // Positions -1 (the box itself) .. optionCount - 1, wrapping around.
    const positions = optionCount + 1;
    setPicked({ q: live, index: ((((active + 1 + step) % positions) + positions) % positions) - 1 });
  };

  return (
    <form role="search" onSubmit={submit} className="relative w-full max-w-md">
      <Search aria-hidden className="pointer-events-none absolute top-1/2 left-2.5 size-4 -translate-y-1/2 text-fg-subtle" />
      <input
        type="search"
        name="q"
        autoComplete="off"
        aria-label="Search features, views, entities, sources, services and models"
        aria-controls={showList ? LIST_ID : undefined}
        aria-expanded={showList}
        aria-activedescendant={showList && active >= 0 ? `${LIST_ID}-${active}` : undefined}
        placeholder="Search the catalog…"
        value={q}
        onChange={(e) => {
          setQ(e.target.value);
          setOpen(true);
        }}
        onFocus={() => setOpen(true)}
        onBlur={() => setOpen(false)}
        onKeyDown={onKeyDown}
        className="h-8 w-full rounded-md border border-line bg-surface-2 pr-16 pl-8 text-sm placeholder:text-fg-subtle"
      />
      <kbd className="pointer-events-none absolute top-1/2 right-2 -translate-y-1/2 rounded border border-line bg-surface px-1.5 text-[10px] text-fg-subtle">Ctrl K</kbd>
      {showList ? (
        <ul
          id={LIST_ID}
          role="listbox"
          aria-label="Search results"
          className={`absolute top-full right-0 left-0 z-40 mt-1 max-h-[70vh] overflow-y-auto rounded-md border border-line bg-surface p-1 shadow-lg ${isFetching ? "opacity-80" : ""}`}
        >
          {data && hits.length === 0 ? <li className="px-2 py-2 text-sm text-fg-muted">{isFetching ? "Searching…" : `Nothing found for “${live}”. Try fewer letters or another word.`}</li> : null}
          {!data ? <li className="px-2 py-2 text-sm text-fg-muted">Searching…</li> : null}
          {hits.map((h, i) => (
            <li
              key={`${h.kind}:${h.project}:${h.qualifiedName}`}
              id={`${LIST_ID}-${i}`}
              role="option"
              aria-selected={i === active}
              // mousedown would blur the box (and close the list) before the click lands.
              onMouseDown={(e) => e.preventDefault()}
              onClick={() => go(h.href)}
              className={`flex cursor-pointer items-center gap-2 rounded px-2 py-1.5 text-sm ${i === active ? "bg-surface-2" : "hover:bg-surface-2"}`}
            >
              <span className="w-20 shrink-0 text-xs text-fg-subtle">{KIND_LABEL[h.kind] ?? h.kind}</span>
              <span className="min-w-0 flex-1 truncate font-medium" data-testid="header-search-hit" title={h.qualifiedName}>
                <Highlight text={h.qualifiedName} query={live} />
              </span>
              {h.state && h.state !== "unknown" ? <ViewStateBadge state={h.state} /> : null}
              <span className="shrink-0 text-xs text-fg-subtle">{h.project}</span>
            </li>
          ))}
          {data ? (
            <li
              id={`${LIST_ID}-${hits.length}`}
              role="option"
              aria-selected={active === hits.length}
              onMouseDown={(e) => e.preventDefault()}
              onClick={() => go(searchPageUrl(live))}
              className={`cursor-pointer rounded px-2 py-1.5 text-sm text-fg-muted ${active === hits.length ? "bg-surface-2" : "hover:bg-surface-2"}`}
            >
              See all {data.total.toLocaleString()} result{data.total === 1 ? "" : "s"} for “{live}”
            </li>
          ) : null}
        </ul>
      ) : null}
    </form>
  );
}
