// Global setup of the browser tests: a fresh database seeded with users per role and the sample
// repo (e2e/support/seed.ts, in a child process with the run's env), and a worker process for the
// job specs. The web server (next start on the production build) is Playwright's webServer.
import { spawn, execFileSync, type ChildProcess } from "node:child_process";
import { mkdirSync, openSync } from "node:fs";
import path from "node:path";
import { E2E_ENV, RUN_DIR } from "./env";

const NODE_TS = ["--conditions=react-server", "--import", "tsx"];

function waitForLine(child: ChildProcess, re: RegExp, logFile: string, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`worker did not start within ${timeoutMs} ms; see ${logFile}`)), timeoutMs);
    child.stdout?.on("data", (b: Buffer) => {
      if (re.test(b.toString())) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`worker exited with ${code}; see ${logFile}`));
    });
  });
}

export default async function globalSetup() {
  mkdirSync(RUN_DIR, { recursive: true });
  const env = { ...process.env, ...E2E_ENV, NODE_ENV: "production" } as NodeJS.ProcessEnv;
  execFileSync(process.execPath, [...NODE_TS, "e2e/support/seed.ts"], { env, stdio: "inherit" });

  const logFile = path.join(RUN_DIR, "worker.log");
  const log = openSync(logFile, "a");
  const worker = spawn(process.execPath, [...NODE_TS, "workers/main.ts"], { env, stdio: ["ignore", "pipe", log] });
  worker.stdout?.on("data", (b: Buffer) => {
    // keep a copy of the worker's output next to the other run files
    import("node:fs").then((fs) => fs.appendFileSync(logFile, b));
  });
  await waitForLine(worker, /started/, logFile, 60_000);

  return async () => {
    if (worker.exitCode === null) {
      const exited = new Promise((r) => worker.once("exit", r));
      worker.kill("SIGTERM");
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
      if (worker.exitCode === null) worker.kill("SIGKILL");
    }
    if (process.env.KEEP_E2E_DB) return;
    const { rm } = await import("node:fs/promises");
    await rm(RUN_DIR, { recursive: true, force: true });
    execFileSync(process.execPath, [...NODE_TS, "e2e/support/teardown.ts", E2E_ENV.DATABASE_URL], { stdio: "inherit" });
    // Only this run's queue keys (its own prefix); never a global wipe.
    const { Redis } = await import("ioredis");
    const r = new Redis(E2E_ENV.REDIS_URL);
    let cursor = "0";
    do {
      const [next, keys] = await r.scan(cursor, "MATCH", `${E2E_ENV.QUEUE_PREFIX}:*`, "COUNT", 500);
      cursor = next;
      if (keys.length) await r.del(...keys);
    } while (cursor !== "0");
    await r.quit();
  };
}
