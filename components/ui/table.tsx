import { clsx } from "clsx";
import { ArrowDown, ArrowUp, ArrowUpDown } from "lucide-react";
import type { ReactNode, ThHTMLAttributes, TdHTMLAttributes } from "react";
import { ScrollBox } from "./scroll-box";

export function Table({ children, className, label }: { children: ReactNode; className?: string; label?: string }) {
  return (
    <ScrollBox>
      <table aria-label={label} className={clsx("w-full border-collapse text-sm", className)}>
        {children}
      </table>
    </ScrollBox>
  );
}

export function THead({ children }: { children: ReactNode }) {
  return <thead className="border-b border-line bg-surface-2/60 text-left text-xs text-fg-muted">{children}</thead>;
}

export function TH({ className, ...rest }: ThHTMLAttributes<HTMLTableCellElement>) {
  return <th scope="col" className={clsx("px-3 py-2 font-medium whitespace-nowrap", className)} {...rest} />;
}

export type SortDir = "asc" | "desc";

/** A column header that sorts: a real button inside the th, with aria-sort on the th. */
export function SortableTH<K extends string>({
  column,
  sort,
  dir,
  onSort,
  children,
  className,
}: {
  column: K;
  sort: K | undefined;
  dir: SortDir;
  onSort: (column: K, dir: SortDir) => void;
  children: ReactNode;
  className?: string;
}) {
  const active = sort === column;
  const Icon = !active ? ArrowUpDown : dir === "asc" ? ArrowUp : ArrowDown;
  return (
    <th scope="col" aria-sort={active ? (dir === "asc" ? "ascending" : "descending") : "none"} className={clsx("px-3 py-2 font-medium whitespace-nowrap", className)}>
      <button
        type="button"
        onClick={() => onSort(column, active && dir === "asc" ? "desc" : "asc")}
        className="-mx-1 inline-flex items-center gap-1 rounded px-1 hover:text-fg"
      >
        {children}
        <Icon aria-hidden className={clsx("size-3", !active && "opacity-40")} />
      </button>
    </th>
  );
}

export function TR({ className, children, ...rest }: React.HTMLAttributes<HTMLTableRowElement>) {
  return (
    <tr className={clsx("border-b border-line last:border-0 hover:bg-surface-2/50", className)} {...rest}>
      {children}
    </tr>
  );
}

export function TD({ className, ...rest }: TdHTMLAttributes<HTMLTableCellElement>) {
  return <td className={clsx("px-3 py-2 align-middle", className)} {...rest} />;
}

/** Page-number paging for server-paged tables. */
export function Pager({ total, limit, offset, onOffset }: { total: number; limit: number; offset: number; onOffset: (o: number) => void }) {
  if (total <= limit) return <p className="px-3 py-2 text-xs text-fg-muted">{total} {total === 1 ? "item" : "items"}</p>;
  const page = Math.floor(offset / limit) + 1;
  const pages = Math.ceil(total / limit);
  return (
    <nav aria-label="Pages" className="flex items-center justify-between gap-2 border-t border-line px-3 py-2 text-xs text-fg-muted">
      <span>
        {offset + 1}–{Math.min(offset + limit, total)} of {total.toLocaleString()}
      </span>
      <span className="flex items-center gap-2">
        <button type="button" className="rounded border border-line px-2 py-1 disabled:opacity-40" disabled={page <= 1} onClick={() => onOffset(Math.max(0, offset - limit))}>
          Previous
        </button>
        <span>
          Page {page} of {pages}
        </span>
        <button type="button" className="rounded border border-line px-2 py-1 disabled:opacity-40" disabled={page >= pages} onClick={() => onOffset(offset + limit)}>
          Next
        </button>
      </span>
    </nav>
  );
}
