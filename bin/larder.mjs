#!/usr/bin/env node
// The `larder` command (package.json "bin"): runs lib/cli/main.ts from this package with tsx and
// the react-server condition, in the caller's working directory (so `larder plan ./repo` resolves
// relative paths where the user is), forwarding arguments, signals and the exit code.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const main = fileURLToPath(new URL("../lib/cli/main.ts", import.meta.url));
// Resolved from this file, not from the working directory, which may be anywhere.
const tsx = import.meta.resolve("tsx");

const child = spawn(process.execPath, ["--conditions=react-server", "--import", tsx, main, ...process.argv.slice(2)], {
  stdio: "inherit",
});
for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"]) {
  process.on(sig, () => child.kill(sig));
}
child.on("exit", (code, signal) => {
  if (signal) process.kill(process.pid, signal);
  else process.exit(code ?? 1);
});
child.on("error", (err) => {
  console.error(`larder: cannot start node: ${err.message}`);
  process.exit(1);
});
