// Global setup of the browser tests: a fresh database seeded with users per role and the sample
// repo (e2e/support/seed.ts, in a child process with the run's env), and a worker process for the
// job specs. The web server (next start on the production build) is Playwright's webServer.
import { execFileSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { E2E_ENV, RUN_DIR } from "./env";
import { NODE_TS, cleanupRun, startWorker, stopChild } from "./processes";

export default async function globalSetup() {
  mkdirSync(RUN_DIR, { recursive: true });
  const env = { ...process.env, ...E2E_ENV, NODE_ENV: "production" } as NodeJS.ProcessEnv;
  execFileSync(process.execPath, [...NODE_TS, "e2e/support/seed.ts"], { env, stdio: "inherit" });
  const worker = await startWorker(env, RUN_DIR);

  return async () => {
    await stopChild(worker);
    if (process.env.KEEP_E2E_DB) return;
    await cleanupRun(E2E_ENV, RUN_DIR);
  };
}
