// `larder` — the command line. Registry and job commands talk to the API (LARDER_URL,
// LARDER_TOKEN); bootstrap commands (db, users, tokens) work on the database directly.
import "server-only";
import { Command } from "commander";
import { registerAdminCommands } from "./commands/admin";
import { registerDbCommands } from "./commands/db";
import { registerJobsCommands } from "./commands/jobs";
import { registerRegistryCommands } from "./commands/registry";
import { registerRetrievalCommands } from "./commands/retrieval";
import { registerStatusCommand } from "./commands/status";

const program = new Command();
program.name("larder").description("Larder feature store command line").showHelpAfterError();

registerDbCommands(program);
registerAdminCommands(program);
registerRegistryCommands(program);
registerRetrievalCommands(program);
registerJobsCommands(program);
registerStatusCommand(program);

program.parseAsync(process.argv).catch((err: unknown) => {
  const e = err as Error & { problem?: { detail?: string; invalid_params?: { name: string; reason: string }[] } };
  console.error(`error: ${e.message}`);
  for (const p of e.problem?.invalid_params ?? []) console.error(`  - ${p.name}: ${p.reason}`);
  process.exitCode = 1;
});
