// The one step that runs after the registry changed, called explicitly by every writer (no hook is
// registered at import time, so no process can miss it by not importing something):
// - definitions (apply): the project's registry generation moves, so every process's catalog cache
//   (online read, push, historical) reloads before its next answer; cron schedulers follow the new
//   definitions. Search documents were rebuilt inside apply's transaction.
// - metadata (description, owner, tags, restriction edited in place): search documents are rebuilt
//   and the registry generation moves (a restriction must bind the next read, not one 30 s later).
// - access (membership, grant, token, user changes): the auth generation moves, so cached
//   principals are dropped everywhere.
// The database change has already committed; a step that fails is reported (warnings, log) and
// the caches' own 30 s expiry remains as the last safety net.
import "server-only";
import { db } from "../db/client";
import { bumpAuthGeneration, bumpRegistryGeneration } from "../redis/generations";
import { rebuildSearchDocuments, refreshSearchStatistics } from "../search/rebuild-documents";
import { syncSchedules } from "./sync-schedules";
import { log } from "../config/log";

export type RegistryChange =
  | { kind: "definitions"; projectName: string }
  | { kind: "metadata"; projectId: string; projectName: string }
  | { kind: "access" };

async function step(name: string, warnings: string[], fn: () => Promise<unknown>): Promise<void> {
  try {
    await fn();
  } catch (e) {
    log().error({ err: e }, `after registry change: ${name} failed`);
    warnings.push(`${name} failed (${(e as Error).message}); caches refresh within 30 s`);
  }
}

/** Returns one warning per step that failed. */
export async function afterRegistryChange(change: RegistryChange): Promise<string[]> {
  const warnings: string[] = [];
  switch (change.kind) {
    case "definitions":
      await step("registry generation", warnings, () => bumpRegistryGeneration(change.projectName));
      await step("schedule sync", warnings, () => syncSchedules({ projectName: change.projectName }));
      break;
    case "metadata":
      await step("search documents", warnings, async () => {
        await db().$transaction((tx) => rebuildSearchDocuments(tx, change.projectId));
        await refreshSearchStatistics();
      });
      await step("registry generation", warnings, () => bumpRegistryGeneration(change.projectName));
      break;
    case "access":
      await step("credential caches", warnings, () => bumpAuthGeneration());
      break;
  }
  return warnings;
}
