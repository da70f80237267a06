"use client";
import type { UseQueryResult } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { ApiError } from "@/lib/console/api-client";
import { ErrorState } from "../ui/error-state";
import { NotFound } from "./not-found";
import { PageSkeleton } from "../ui/skeleton";

/**
 * The one loading / error / empty / data switch of the console: loading → skeleton (a page skeleton
 * unless given), error → the problem+json message with retry, empty (when `isEmpty` says so) →
 * `empty`, data → children. `page`: the query loads the page's main object, so a 404 answer is the
 * page's 404 (what does not exist, links to what does) rather than an error box.
 */
export function QueryState<T>({
  query,
  children,
  skeleton,
  isEmpty,
  empty,
  page,
}: {
  query: UseQueryResult<T>;
  children: (data: T) => ReactNode;
  skeleton?: ReactNode;
  isEmpty?: (data: T) => boolean;
  empty?: ReactNode;
  page?: boolean;
}) {
  if (query.isPending) return <>{skeleton ?? <PageSkeleton />}</>;
  if (query.isError && page && query.error instanceof ApiError && query.error.status === 404) return <NotFound detail={query.error.problem.detail} />;
  if (query.isError) return <ErrorState error={query.error} onRetry={() => query.refetch()} />;
  if (isEmpty?.(query.data)) return <>{empty}</>;
  return <>{children(query.data)}</>;
}
