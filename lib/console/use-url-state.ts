"use client";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useCallback, useRef } from "react";

type Patch = Partial<Record<string, string | number | undefined>>;

/** The last search string a page wrote (`to`) and the URL's search string it was written over (`from`). */
export interface PendingWrite {
  from: string;
  to: string;
}

/**
 * The search string a new patch applies to. `router.replace` only changes the URL once Next has
 * fetched and committed the page (hundreds of ms on a slow machine), so a second change made
 * meanwhile (a sort clicked while a debounced filter is still being written) must build on the
 * first one's result, not on the URL it has not reached yet, or the later write drops the earlier
 * change. Once the URL moved on (caught up, or the user navigated), the URL is the truth again.
 */
export function patchBase(url: string, pending: PendingWrite | null): string {
  return pending !== null && pending.from === url ? pending.to : url;
}

/** `base` with `patch` applied (undefined, "" and 0 remove a key). */
export function applyPatch(base: string, patch: Patch): string {
  const next = new URLSearchParams(base);
  for (const [k, v] of Object.entries(patch)) {
    if (v === undefined || v === "" || v === 0) next.delete(k);
    else next.set(k, String(v));
  }
  return next.toString();
}

/** Page state (filters, sort, page) kept in the URL so views can be shared and survive reloads. */
export function useUrlState<K extends string>(keys: readonly K[]) {
  const sp = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const pending = useRef<PendingWrite | null>(null);
  const values = Object.fromEntries(keys.map((k) => [k, sp.get(k) ?? ""])) as Record<K, string>;
  const set = useCallback(
    (patch: Partial<Record<K, string | number | undefined>>) => {
      const url = sp.toString();
      const s = applyPatch(patchBase(url, pending.current), patch);
      pending.current = { from: url, to: s };
      router.replace(s ? `${pathname}?${s}` : pathname, { scroll: false });
    },
    [sp, router, pathname],
  );
  return [values, set] as const;
}
