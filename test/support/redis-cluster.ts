// Test support: a throwaway Redis Cluster of three masters (no replicas) from the `redis-server`
// and `redis-cli` on PATH, on free loopback ports, with its files in a temp folder. `stop()` kills
// the servers and removes the folder; it is safe to call twice and after a failed start.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs/promises";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { Redis } from "ioredis";

export interface TestCluster {
  /** Seed nodes, `127.0.0.1:port` each. */
  nodes: string[];
  ports: number[];
  stop(): Promise<void>;
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.once("error", () => resolve(false));
    s.listen(port, "127.0.0.1", () => s.close(() => resolve(true)));
  });
}

/** `count` ports p that are free along with p + 10000 (each node's cluster bus port). */
async function freeNodePorts(count: number): Promise<number[]> {
  const out: number[] = [];
  let p = 30000 + Math.floor(Math.random() * 20000);
  for (let tries = 0; out.length < count && tries < 500; tries++, p++) {
    if (p + 10000 > 65535) p = 30000;
    if ((await portFree(p)) && (await portFree(p + 10000))) out.push(p);
  }
  if (out.length < count) throw new Error("no free ports for a test Redis Cluster");
  return out;
}

async function waitFor(what: string, ms: number, check: () => Promise<boolean>): Promise<void> {
  const until = Date.now() + ms;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > until) throw new Error(`test Redis Cluster: ${what} within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function onNode<T>(port: number, run: (r: Redis) => Promise<T>): Promise<T> {
  const r = new Redis(port, "127.0.0.1", { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  r.on("error", () => undefined); // a node not up yet: connect() rejects, waitFor retries
  try {
    await r.connect();
    return await run(r);
  } finally {
    r.disconnect();
  }
}

export async function startTestCluster(masters = 3): Promise<TestCluster> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), "larder-redis-cluster-"));
  const children: ChildProcess[] = [];
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    process.off("exit", killAll);
    await Promise.all(
      children.map(
        (c) =>
          new Promise<void>((resolve) => {
            if (c.exitCode !== null || c.signalCode !== null) return resolve();
            const timer = setTimeout(() => c.kill("SIGKILL"), 3000);
            c.once("exit", () => {
              clearTimeout(timer);
              resolve();
            });
            c.kill("SIGTERM");
          }),
      ),
    );
    await fs.rm(dir, { recursive: true, force: true });
  };
  // A test process that dies without its afterAll still takes the servers with it.
  const killAll = () => children.forEach((c) => c.kill("SIGKILL"));
  process.on("exit", killAll);
  try {
    const ports = await freeNodePorts(masters);
    for (const port of ports) {
      const child = spawn(
        "redis-server",
        [
          "--port", String(port),
          "--bind", "127.0.0.1",
          "--cluster-enabled", "yes",
          "--cluster-config-file", `nodes-${port}.conf`,
          "--cluster-node-timeout", "5000",
          "--dir", dir,
          "--save", "",
          "--appendonly", "no",
          "--logfile", `redis-${port}.log`,
        ],
        { stdio: "ignore" },
      );
      children.push(child);
      child.once("error", () => undefined); // surfaces below as a node that never answers
    }
    for (const port of ports) await waitFor(`redis-server on port ${port} did not answer`, 5000, () => onNode(port, async (r) => (await r.ping()) === "PONG"));
    const nodes = ports.map((p) => `127.0.0.1:${p}`);
    const create = spawnSync("redis-cli", ["--cluster", "create", ...nodes, "--cluster-replicas", "0", "--cluster-yes"], { encoding: "utf8", timeout: 20_000 });
    if (create.status !== 0) throw new Error(`redis-cli --cluster create failed: ${create.stderr || create.stdout || create.error}`);
    for (const port of ports) {
      await waitFor(`node ${port} did not reach cluster_state:ok`, 10_000, () =>
        onNode(port, async (r) => String(await r.call("CLUSTER", "INFO")).includes("cluster_state:ok")),
      );
    }
    return { nodes, ports, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}
