import { AlertTriangle } from "lucide-react";
import { ApiError } from "@/lib/console/api-client";
import { Button } from "./button";

/**
 * Shows what the API said went wrong (problem+json title, detail, request id) and offers a retry,
 * except for a 404: asking again cannot make a missing thing exist.
 */
export function ErrorState({ error, onRetry, compact }: { error: unknown; onRetry?: () => void; compact?: boolean }) {
  const problem =
    error instanceof ApiError
      ? error.problem
      : { title: "Something went wrong", status: 0, detail: error instanceof Error ? error.message : String(error), requestId: undefined };
  return (
    <div role="alert" className={compact ? "p-3" : "px-6 py-8"}>
      <div className="flex items-start gap-3 rounded-md border border-red-300 bg-danger-soft p-4 text-sm dark:border-red-900">
        <AlertTriangle aria-hidden className="mt-0.5 size-4 shrink-0 text-danger" />
        <div className="min-w-0 space-y-1">
          <p className="font-semibold text-fg">
            {problem.title}
            {problem.status ? <span className="ml-2 font-normal text-fg-muted">({problem.status})</span> : null}
          </p>
          {problem.detail ? <p className="text-fg">{problem.detail}</p> : null}
          {"invalid_params" in problem && Array.isArray(problem.invalid_params) && problem.invalid_params.length > 0 ? (
            <ul className="list-disc pl-5 text-fg-muted">
              {problem.invalid_params.map((p, i) => (
                <li key={i}>
                  <code>{p.name}</code>: {p.reason}
                </li>
              ))}
            </ul>
          ) : null}
          {problem.requestId ? <p className="text-xs text-fg-muted">Request id: <code>{problem.requestId}</code></p> : null}
          {onRetry && problem.status !== 404 ? (
            <Button size="sm" className="mt-2" onClick={onRetry}>
              Try again
            </Button>
          ) : null}
        </div>
      </div>
    </div>
  );
}
