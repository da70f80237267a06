// After an apply, the project's cron schedulers follow the new definitions at once (workers also
// reconcile periodically, so schedules converge even if this hook is not loaded in a process).
// Importing this module registers the hook; the apply route imports it.
import "server-only";
import { registerApplyHook } from "../registry/apply-hooks";
import { syncSchedules } from "./sync-schedules";

export function registerScheduleApplyHook(): void {
  registerApplyHook("jobs.sync-schedules", async (event) => {
    await syncSchedules({ projectName: event.projectName });
  });
}

registerScheduleApplyHook();
