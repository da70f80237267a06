// The Python client's tests against the real servers (`npm run test:python`, and a step of
// `npm test`): a fresh database seeded by test/python/seed.ts, a worker, the web server on the
// production build (`next build` first when there is none) and the feature server, each on a free
// port; then `python3 -m pytest clients/python/tests` (Debian's /usr/bin/python3, which has
// pandas; LARDER_PYTHON overrides), and everything torn down again.
//   node --conditions=react-server --import tsx test/python/run.ts [--report out.json] [-- pytest args…]
//   … test/python/run.ts --serve   sets up, prints the environment for pytest, and waits for Ctrl-C
// The report is {passed, failed, skipped} from pytest's JUnit XML, for bin/test-all.mjs.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import net from "node:net";
import path from "node:path";

const PYTHON = process.env.LARDER_PYTHON ?? "/usr/bin/python3";

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

async function waitForHttp(url: string, timeoutMs: number, child: ChildProcess, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${what} exited with ${child.exitCode}`);
    try {
      const res = await fetch(url);
      if (res.status < 500) return;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${what} did not answer ${url} within ${timeoutMs} ms`);
}

/** Counts of a JUnit XML report (pytest --junitxml). */
export function countJunit(xml: string): { passed: number; failed: number; skipped: number } {
  let tests = 0;
  let failed = 0;
  let skipped = 0;
  for (const m of xml.matchAll(/<testsuite\b([^>]*)>/g)) {
    const attr = (name: string) => Number(new RegExp(`\\b${name}="(\\d+)"`).exec(m[1])?.[1] ?? 0);
    tests += attr("tests");
    failed += attr("failures") + attr("errors");
    skipped += attr("skipped");
  }
  return { passed: tests - failed - skipped, failed, skipped };
}

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  const dash = argv.indexOf("--");
  const pytestArgs = dash >= 0 ? argv.slice(dash + 1) : [];
  const own = dash >= 0 ? argv.slice(0, dash) : argv;
  const reportPath = own.includes("--report") ? own[own.indexOf("--report") + 1] : undefined;

  const check = spawnSync(PYTHON, ["-c", "import pandas, pytest"], { encoding: "utf8" });
  if (check.status !== 0) {
    console.error(`${PYTHON} cannot import pandas and pytest (${(check.stderr || check.error?.message || "").trim().split("\n").pop()}).`);
    console.error("Install them: apt-get install -y python3-pandas python3-pytest python3-setuptools python3-nbclient python3-ipykernel");
    return 1;
  }
  if (!existsSync(".next/BUILD_ID")) {
    console.log("[python tests] no production build yet: next build");
    if (spawnSync("npx", ["next", "build"], { stdio: "inherit" }).status !== 0) return 1;
  }

  const port = await freePort();
  const fsPort = await freePort();
  process.env.LARDER_E2E_RUN ??= `py${Date.now().toString(36)}${process.pid}`;
  process.env.LARDER_E2E_PORT = String(port);
  const { E2E_ENV, RUN_DIR, BASE_URL } = await import("../../e2e/support/env");
  const { NODE_TS, cleanupRun, startNodeProcess, startWorker, stopChild } = await import("../../e2e/support/processes");
  const project = `py_${process.env.LARDER_E2E_RUN}`;
  mkdirSync(RUN_DIR, { recursive: true });
  const env = { ...process.env, ...E2E_ENV, NODE_ENV: "production", FEATURE_SERVER_PORT: String(fsPort) } as NodeJS.ProcessEnv;
  const children: ChildProcess[] = [];
  let seeded = false;
  try {
    const started = Date.now();
    if (spawnSync(process.execPath, [...NODE_TS, "test/python/seed.ts", project], { env, stdio: "inherit" }).status !== 0) throw new Error("seeding failed");
    seeded = true;
    children.push(await startWorker(env, RUN_DIR));
    children.push(await startNodeProcess("feature-server", "bin/feature-server.ts", env, RUN_DIR, /listening/));
    const web = spawn("npx", ["next", "start", "-p", String(port), "-H", "127.0.0.1"], { env, stdio: "ignore", detached: true });
    children.push(web);
    await waitForHttp(`${BASE_URL}/login`, 120_000, web, "next start");
    console.log(`[python tests] seeded and started in ${((Date.now() - started) / 1000).toFixed(1)}s: ${BASE_URL}, feature server :${fsPort}, project ${project}`);

    const testEnv = {
      LARDER_TEST_URL: BASE_URL,
      LARDER_TEST_FEATURE_SERVER_URL: `http://127.0.0.1:${fsPort}`,
      LARDER_TEST_SEED: path.join(RUN_DIR, "python-seed.json"),
      PYTHONPATH: path.resolve("clients/python/src"),
      PYDEVD_DISABLE_FILE_VALIDATION: "1",
      PYTHONDONTWRITEBYTECODE: "1",
    };
    if (own.includes("--serve")) {
      console.log(`${Object.entries(testEnv).map(([k, v]) => `export ${k}=${v}`).join("\n")}\n# then: ${PYTHON} -m pytest clients/python/tests   (Ctrl-C here to stop)`);
      await new Promise((resolve) => {
        process.once("SIGINT", resolve);
        process.once("SIGTERM", resolve);
      });
      return 0;
    }
    const xml = path.join(RUN_DIR, "pytest.xml");
    const r = spawnSync(PYTHON, ["-m", "pytest", "clients/python/tests", "-p", "no:cacheprovider", "-ra", `--junitxml=${xml}`, ...pytestArgs], {
      stdio: "inherit",
      env: { ...process.env, ...testEnv },
    });
    const counts = existsSync(xml) ? countJunit(readFileSync(xml, "utf8")) : { passed: 0, failed: 1, skipped: 0 };
    if (reportPath) writeFileSync(reportPath, JSON.stringify(counts));
    console.log(`[python tests] ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`);
    return r.status === 0 ? 0 : 1;
  } catch (e) {
    console.error(`[python tests] ${(e as Error).message}`);
    if (reportPath) writeFileSync(reportPath, JSON.stringify({ passed: 0, failed: 1, skipped: 0 }));
    return 1;
  } finally {
    for (const c of children.reverse()) {
      if (c.pid && c.spawnargs[0] === "npx") {
        // next start runs in its own process group (npx → next → next-server)
        try {
          process.kill(-c.pid, "SIGTERM");
        } catch {
          /* gone */
        }
      }
      await stopChild(c);
    }
    if (seeded) spawnSync(process.execPath, [...NODE_TS, "test/python/seed.ts", "--teardown", project, `${project}_types`], { env, stdio: "inherit" });
    if (!process.env.KEEP_PY_DB) await cleanupRun(E2E_ENV, RUN_DIR);
  }
}

process.exit(await main());
