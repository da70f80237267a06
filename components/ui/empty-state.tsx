import type { ReactNode } from "react";
import { Inbox } from "lucide-react";

/** An empty state always says what to do next, not only that there is nothing. */
export function EmptyState({ title, next, icon, action }: { title: string; next: ReactNode; icon?: ReactNode; action?: ReactNode }) {
  return (
    <div className="flex flex-col items-center justify-center gap-2 px-6 py-10 text-center">
      <div className="text-fg-subtle" aria-hidden>{icon ?? <Inbox className="size-8" />}</div>
      <p className="text-sm font-medium">{title}</p>
      <div className="max-w-md text-sm text-fg-muted">{next}</div>
      {action ? <div className="mt-2">{action}</div> : null}
    </div>
  );
}
