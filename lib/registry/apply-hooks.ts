// Other areas react to applied definitions without the registry knowing them: materialization
// registers a hook here (e.g. to update cron schedules). Hooks run after the apply transaction
// commits; a failing hook is logged and reported as a warning, it never undoes the apply.

export interface AppliedView {
  name: string;
  /** Latest version after apply. */
  version: number;
  materialization: { online: boolean; offline: boolean; schedule?: string };
  /** What this apply did to the view. */
  change: "create" | "new_version" | "update" | "unchanged" | "restore";
}

export interface ApplyEvent {
  projectId: string;
  projectName: string;
  /** Every view the repo defines (also unchanged ones, so hooks can reconcile idempotently). */
  views: AppliedView[];
  /** Views archived by this apply (prune). */
  removed: string[];
}

export type ApplyHook = (event: ApplyEvent) => Promise<void> | void;

const g = globalThis as unknown as { larderApplyHooks?: Map<string, ApplyHook> };
const hooks = (g.larderApplyHooks ??= new Map());

/** Registers (or replaces, by name) a hook called after every successful apply. */
export function registerApplyHook(name: string, hook: ApplyHook): void {
  hooks.set(name, hook);
}

export function unregisterApplyHook(name: string): void {
  hooks.delete(name);
}

/** Runs every hook; returns one warning per failed hook. */
export async function runApplyHooks(event: ApplyEvent): Promise<string[]> {
  const warnings: string[] = [];
  for (const [name, hook] of hooks) {
    try {
      await hook(event);
    } catch (e) {
      console.error(`[larder] apply hook ${name} failed:`, e);
      warnings.push(`after-apply hook "${name}" failed: ${(e as Error).message}`);
    }
  }
  return warnings;
}

/** Alias of registerApplyHook: `onViewsApplied("schedules", (e) => …)`. */
export const onViewsApplied = registerApplyHook;
