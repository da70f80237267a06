"use client";
import type { UseQueryResult } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { ErrorState } from "../ui/error-state";
import { PageSkeleton } from "../ui/skeleton";

/**
 * The one loading / error / empty / data switch of the console: loading → skeleton (a page skeleton
 * unless given), error → the problem+json message with retry, empty (when `isEmpty` says so) →
 * `empty`, data → children.
 */
export function QueryState<T>({
  query,
  children,
  skeleton,
  isEmpty,
  empty,
}: {
  query: UseQueryResult<T>;
  children: (data: T) => ReactNode;
  skeleton?: ReactNode;
  isEmpty?: (data: T) => boolean;
  empty?: ReactNode;
}) {
  if (query.isPending) return <>{skeleton ?? <PageSkeleton />}</>;
  if (query.isError) return <ErrorState error={query.error} onRetry={() => query.refetch()} />;
  if (isEmpty?.(query.data)) return <>{empty}</>;
  return <>{children(query.data)}</>;
}
