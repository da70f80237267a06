// Processes of one browser or Python-client test run (e2e/support/global-setup.ts,
// test/python/run.ts): the seed and the worker as children with the run's environment, stopping
// them, and removing what the run created (its folder, database and queue keys).
import { spawn, execFileSync, type ChildProcess } from "node:child_process";
import { appendFileSync, openSync } from "node:fs";
import { rm } from "node:fs/promises";
import path from "node:path";

export const NODE_TS = ["--conditions=react-server", "--import", "tsx"];

/** Resolves when the child prints a line matching `re`; rejects when it exits first or after `timeoutMs`. */
export function waitForLine(child: ChildProcess, re: RegExp, what: string, logFile: string, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} did not start within ${timeoutMs} ms; see ${logFile}`)), timeoutMs);
    child.stdout?.on("data", (b: Buffer) => {
      if (re.test(b.toString())) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited with ${code}; see ${logFile}`));
    });
  });
}

/** A TypeScript entry point run with the run's env; its output goes to `<runDir>/<name>.log`. */
export async function startNodeProcess(name: string, entry: string, env: NodeJS.ProcessEnv, runDir: string, ready: RegExp, args: string[] = []): Promise<ChildProcess> {
  const logFile = path.join(runDir, `${name}.log`);
  const log = openSync(logFile, "a");
  const child = spawn(process.execPath, [...args, ...NODE_TS, entry], { env, stdio: ["ignore", "pipe", log] });
  // keep a copy of the output next to the other run files
  child.stdout?.on("data", (b: Buffer) => appendFileSync(logFile, b));
  await waitForLine(child, ready, name, logFile, 60_000);
  return child;
}

/** The job worker of the run. */
export function startWorker(env: NodeJS.ProcessEnv, runDir: string): Promise<ChildProcess> {
  return startNodeProcess("worker", "workers/main.ts", env, runDir, /started/);
}

/** SIGTERM, then SIGKILL after 10 s. */
export async function stopChild(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once("exit", r));
  child.kill("SIGTERM");
  await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
  if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
}

/** Removes the run's folder, database and queue keys (only its own prefix; never a global wipe). */
export async function cleanupRun(env: Record<string, string>, runDir: string): Promise<void> {
  await rm(runDir, { recursive: true, force: true });
  execFileSync(process.execPath, [...NODE_TS, "e2e/support/teardown.ts", env.DATABASE_URL], { stdio: "inherit" });
  const { Redis } = await import("ioredis");
  const r = new Redis(env.REDIS_URL);
  let cursor = "0";
  do {
    const [next, keys] = await r.scan(cursor, "MATCH", `${env.QUEUE_PREFIX}:*`, "COUNT", 500);
    cursor = next;
    if (keys.length) await r.del(...keys);
  } while (cursor !== "0");
  await r.quit();
}
