// The contract between the job layer and the compute engine (lib/materialize/materialize-window.ts).
// The engine is loaded lazily so processes that only create jobs (the web app) never load DuckDB.
import "server-only";
import type * as Engine from "../materialize/materialize-window";

export type MaterializeWindow = (
  input: Engine.MaterializeWindowInput,
  hooks: Engine.MaterializeHooks,
) => Promise<Pick<Engine.MaterializeWindowResult, "rowsRead" | "rowsWrittenOffline" | "rowsWrittenOnline" | "partitions">>;
export type MaterializeCounts = Partial<Engine.MaterializeCounts>;

export async function loadMaterializeWindow(): Promise<MaterializeWindow> {
  const mod = await import("../materialize/materialize-window");
  return (input, hooks) => mod.materializeWindow(input, hooks);
}
