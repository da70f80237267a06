// The floor for bench/online.ts: the least a server can do for an online read — node:http, parse
// the JSON body, one pipelined HMGET per entity over ioredis, send the raw arrays back. No auth,
// no registry, no validation, no statuses.
import { createServer } from "node:http";
import { Redis } from "ioredis";

const port = Number(process.env.RAW_PORT);
const prefix = String(process.env.RAW_KEY_PREFIX);
const joinKey = String(process.env.RAW_JOIN_KEY);
const fields = JSON.parse(String(process.env.RAW_FIELDS)) as string[];
const redis = new Redis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379");

createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on("data", (c: Buffer) => chunks.push(c));
  req.on("end", async () => {
    const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as { entities: Record<string, unknown[]> };
    const ids = body.entities[joinKey];
    const p = redis.pipeline();
    for (const id of ids) p.hmget(`${prefix}${joinKey}=${encodeURIComponent(String(id))}`, ...fields);
    const out = ((await p.exec()) ?? []).map(([, v]) => v);
    const json = JSON.stringify({ results: out });
    res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(json) });
    res.end(json);
  });
}).listen(port, "127.0.0.1", () => console.log(`raw floor on :${port}`));
// Exit normally on SIGTERM so `--cpu-prof` (BENCH_FLOOR_NODE_ARGS) can write its profile.
process.on("SIGTERM", () => process.exit(0));
