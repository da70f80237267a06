// Issue 13 item 5: a production process with the development SESSION_SECRET (or none) refuses to
// start, for every server process: the web server (Next's instrumentation hook), the worker and the
// feature server. Real processes, started as an operator would start them.
import { spawn, spawnSync } from "node:child_process";
import { createServer } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { DEVELOPMENT_SESSION_SECRET } from "./env";

const NODE_TS = ["--conditions=react-server", "--import", "tsx"];

/** The environment of a production start: the test's own, minus any SESSION_SECRET, plus `vars`. */
function prodEnv(vars: Record<string, string>): NodeJS.ProcessEnv {
  const e: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: "production", LOG_LEVEL: "warn", QUEUE_PREFIX: `prodsecret_${process.pid}` };
  delete e.SESSION_SECRET;
  return { ...e, ...vars };
}

function run(args: string[], env: NodeJS.ProcessEnv) {
  return spawnSync(process.execPath, [...NODE_TS, ...args], { env, encoding: "utf8", timeout: 45_000 });
}

// The hook exactly as Next calls it: imported and register() awaited, in the nodejs runtime.
const WEB = ["-e", 'process.env.NEXT_RUNTIME = "nodejs"; import("./instrumentation.ts").then((m) => m.register()).then(() => console.log("web would serve"))'];

const ENTRIES: [string, string[]][] = [
  ["web server", WEB],
  ["worker", ["workers/main.ts"]],
  ["feature server", ["bin/feature-server.ts"]],
];

describe("production refuses the development SESSION_SECRET", () => {
  it.each(ENTRIES)("the %s exits with a message when SESSION_SECRET is unset", (_name, args) => {
    const r = run(args, prodEnv({}));
    expect(r.status, r.stderr).toBe(78);
    expect(r.stderr).toMatch(/refusing to start: SESSION_SECRET is not set \(or is the development default\)/);
    expect(r.stderr).toMatch(/openssl rand -hex 32/);
  });

  it.each(ENTRIES)("the %s exits when SESSION_SECRET is the development default or short", (_name, args) => {
    expect(run(args, prodEnv({ SESSION_SECRET: DEVELOPMENT_SESSION_SECRET })).status).toBe(78);
    const short = run(args, prodEnv({ SESSION_SECRET: "sixteen-chars-ok-not-32" }));
    expect(short.status).toBe(78);
    expect(short.stderr).toMatch(/SESSION_SECRET is 23 characters; production needs at least 32/);
  });

  it("the web hook lets a production with its own secret serve, and development needs no configuration", () => {
    const own = run(WEB, prodEnv({ SESSION_SECRET: "a".repeat(16) + "b".repeat(16) }));
    expect(own.status, own.stderr).toBe(0);
    expect(own.stdout).toContain("web would serve");
    const dev = run(WEB, { ...prodEnv({}), NODE_ENV: "development" });
    expect(dev.status, dev.stderr).toBe(0);
  });

  let child: ReturnType<typeof spawn> | undefined;
  afterEach(() => {
    child?.kill("SIGKILL");
    child = undefined;
  });

  it("the feature server starts in production with its own secret", async () => {
    const port = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, "127.0.0.1", () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    child = spawn(process.execPath, [...NODE_TS, "bin/feature-server.ts"], {
      env: prodEnv({ SESSION_SECRET: "c".repeat(40), FEATURE_SERVER_PORT: String(port) }),
      stdio: ["ignore", "pipe", "pipe"],
    });
    const out = await new Promise<string>((resolve, reject) => {
      let text = "";
      child!.stdout!.on("data", (b: Buffer) => {
        text += b.toString();
        if (/listening/.test(text)) resolve(text);
      });
      child!.on("exit", (code) => reject(new Error(`exited with ${code}`)));
    });
    expect(out).toContain(`listening on :${port}`);
  });
});
