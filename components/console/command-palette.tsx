"use client";
// Ctrl/Cmd-K: jump to any catalog object (via the search API) or any page of the current project.
import { Command } from "cmdk";
import { Dialog } from "radix-ui";
import { useParams, useRouter } from "next/navigation";
import { useQuery, keepPreviousData } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { api } from "@/lib/console/api-client";
import { qk } from "@/lib/console/query-keys";
import { KIND_LABEL, normalizeSearch, searchPageUrl } from "@/lib/console/search";
import { useDebounced } from "@/lib/console/use-debounced";
import { Highlight } from "./highlight";
import { projectNav } from "./side-nav";

export function CommandPalette() {
  const [open, setOpen] = useState(false);
  const [q, setQ] = useState("");
  const debounced = useDebounced(q.trim(), 150);
  const router = useRouter();
  const params = useParams<{ project?: string }>();
  const project = params.project ? decodeURIComponent(params.project) : undefined;

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key.toLowerCase() === "k" && (e.metaKey || e.ctrlKey)) {
        e.preventDefault();
        setOpen((o) => !o);
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);

  const query = { q: debounced, limit: 12 };
  const { data, isFetching } = useQuery({
    queryKey: qk.search(query),
    queryFn: async ({ signal }) => normalizeSearch(await api.get("/api/v1/search", query, signal)),
    enabled: open && debounced.length > 0,
    placeholderData: keepPreviousData,
  });

  // cmdk keeps its selection when items arrive later; select the best hit so Enter opens it.
  // A pick made for the current query wins; otherwise the best hit is selected.
  const [picked, setPicked] = useState<{ q: string; value: string } | null>(null);
  const first = data?.items[0];
  const best = debounced && first ? `${first.kind}:${first.project}:${first.qualifiedName}` : "";
  const selected = picked && picked.q === debounced ? picked.value : best;
  const setSelected = (value: string) => setPicked({ q: debounced, value });

  const go = (href: string) => {
    setOpen(false);
    setQ("");
    router.push(href);
  };

  return (
    <Dialog.Root open={open} onOpenChange={setOpen}>
      <Dialog.Trigger className="rounded-md px-2 py-1 text-xs text-fg-muted hover:bg-surface-2 max-sm:hidden" aria-label="Open command palette">
        ⌘K
      </Dialog.Trigger>
      <Dialog.Portal>
        <Dialog.Overlay className="fixed inset-0 z-40 bg-black/40" />
        <Dialog.Content className="fixed top-[15vh] left-1/2 z-50 w-[92vw] max-w-xl -translate-x-1/2 overflow-hidden rounded-lg border border-line bg-surface shadow-2xl">
          <Dialog.Title className="sr-only">Command palette</Dialog.Title>
          <Dialog.Description className="sr-only">Search the catalog or jump to a page</Dialog.Description>
          <Command shouldFilter={false} value={selected} onValueChange={setSelected} label="Command palette" className="flex flex-col">
            <Command.Input
              value={q}
              onValueChange={setQ}
              placeholder="Search features, views, entities… or type a page name"
              className="h-11 border-b border-line bg-transparent px-4 text-sm outline-none"
            />
            <Command.List className="max-h-[50vh] overflow-y-auto p-2">
              <Command.Empty className="px-3 py-6 text-center text-sm text-fg-muted">
                {isFetching ? "Searching…" : debounced ? "No matches. Try fewer letters or another word." : "Type to search the catalog."}
              </Command.Empty>
              {debounced && data?.items.length ? (
                <Command.Group heading="Catalog" className="text-xs text-fg-subtle [&_[cmdk-group-heading]]:px-2 [&_[cmdk-group-heading]]:py-1">
                  {data.items.map((h) => (
                    <Command.Item
                      key={`${h.kind}:${h.project}:${h.qualifiedName}`}
                      value={`${h.kind}:${h.project}:${h.qualifiedName}`}
                      onSelect={() => go(h.href)}
                      className="flex cursor-pointer items-center gap-2 rounded px-2 py-2 text-sm text-fg data-[selected=true]:bg-surface-2"
                    >
                      <span className="w-24 shrink-0 text-xs text-fg-subtle">{KIND_LABEL[h.kind] ?? h.kind}</span>
                      <span className="truncate font-medium">
                        <Highlight text={h.qualifiedName} query={debounced} />
                      </span>
                      <span className="ml-auto shrink-0 text-xs text-fg-subtle">{h.project}</span>
                    </Command.Item>
                  ))}
                  <Command.Item value="__all" onSelect={() => go(searchPageUrl(debounced))} className="cursor-pointer rounded px-2 py-2 text-sm text-fg-muted data-[selected=true]:bg-surface-2">
                    See all results for “{debounced}”
                  </Command.Item>
                </Command.Group>
              ) : null}
              {project ? (
                <Command.Group heading="Pages" className="text-xs text-fg-subtle [&_[cmdk-group-heading]]:px-2 [&_[cmdk-group-heading]]:py-1">
                  {projectNav(project)
                    .filter((n) => !debounced || n.label.toLowerCase().includes(debounced.toLowerCase()))
                    .map((n) => (
                      <Command.Item key={n.href} value={`page:${n.href}`} onSelect={() => go(n.href)} className="flex cursor-pointer items-center gap-2 rounded px-2 py-2 text-sm text-fg data-[selected=true]:bg-surface-2">
                        <n.icon aria-hidden className="size-4 text-fg-subtle" />
                        {n.label}
                      </Command.Item>
                    ))}
                </Command.Group>
              ) : null}
            </Command.List>
          </Command>
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}
