// The floors for bench/online.ts: the least a server can do for an online read — node:http, parse
// the JSON body, read the entities' two fields over ioredis, send the raw data back. No auth, no
// registry, no validation, no statuses, no Feast shape. Two ways to read (RAW_MODE):
//   hmget  (default; the floor issue 4 names): one pipelined HMGET per entity, the arrays sent back
//          as JSON;
//   script: the feature server's own read (RAW_READ_LUA, get-online-features.ts READ_LUA): one
//          script call answering one US-joined string, sent back as it came.
// and one that does not read at all:
//   echo:  reads the request body and answers a constant `{}` — no Redis, no JSON parse: the least
//          one HTTP exchange costs on this machine with this load generator, which no online read
//          can beat.
import { createServer } from "node:http";
import { Redis } from "ioredis";

const port = Number(process.env.RAW_PORT);
const prefix = String(process.env.RAW_KEY_PREFIX);
const joinKey = String(process.env.RAW_JOIN_KEY);
const fields = JSON.parse(String(process.env.RAW_FIELDS)) as string[];
const mode = process.env.RAW_MODE ?? "hmget";
// lazyConnect: the echo mode never sends a command, so it never connects.
const redis = new Redis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379", { lazyConnect: true });
if (mode === "script") redis.defineCommand("rawRead", { lua: String(process.env.RAW_READ_LUA) });
const script = redis as unknown as { rawReadBuffer(n: number, ...args: string[]): Promise<Buffer> };

createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on("data", (c: Buffer) => chunks.push(c));
  req.on("end", async () => {
    if (mode === "echo") {
      res.writeHead(200, { "content-type": "application/json", "content-length": 2 });
      res.end("{}");
      return;
    }
    const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as { entities: Record<string, unknown[]> };
    const ids = body.entities[joinKey];
    const keys = ids.map((id) => `${prefix}${joinKey}=${encodeURIComponent(String(id))}`);
    if (mode === "script") {
      // ARGV: no counter keys first (READ_LUA takes the number of leading plain keys), then the fields.
      const out = await script.rawReadBuffer(keys.length, ...keys, "0", ...fields);
      res.writeHead(200, { "content-type": "application/octet-stream", "content-length": out.length });
      res.end(out);
      return;
    }
    const p = redis.pipeline();
    for (const key of keys) p.hmget(key, ...fields);
    const out = ((await p.exec()) ?? []).map(([, v]) => v);
    const json = JSON.stringify({ results: out });
    res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(json) });
    res.end(json);
  });
}).listen(port, "127.0.0.1", () => console.log(`raw floor (${mode}) on :${port}`));
// Exit normally on SIGTERM so `--cpu-prof` (BENCH_FLOOR_NODE_ARGS) can write its profile.
process.on("SIGTERM", () => process.exit(0));
