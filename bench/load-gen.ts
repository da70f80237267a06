// Open-loop load generator for bench/online.ts (run as its own process, so neither the bench
// orchestrator nor the server under test shares its event loop):
//   node --import tsx bench/load-gen.ts '<json spec>'   → prints one JSON result line on stdout.
// Requests are scheduled evenly, one every 1000/rate ms from a fixed start (request i at
// start + i·interval), and sent at that time whether or not earlier ones have answered (open loop:
// a slow response never delays the next send, so there is no coordinated omission). Latency is
// measured from the SCHEDULED send time to the last byte of the response body, so any delay in the
// generator itself (a late timer, every socket busy) counts against the result rather than hiding
// it; `sendLag` reports how late the sends actually went out, to show the generator's own share.
// Timers in Node fire at whole-millisecond granularity, so the generator sleeps with setTimeout
// until about a millisecond before the next send and then yields with setImmediate (which still
// serves incoming responses) until the send is due: sends go out within a few tens of µs of their
// scheduled time at the cost of a short spin per request.
// Transport: raw keep-alive TCP connections (node:net), each reading into one reused buffer
// (`onread`), with bench/http-framer.ts finding where each response ends. Node's own client
// (node:http) builds an IncomingMessage stream and a Buffer per body chunk for every response, and
// that cost landed in the figures it measured: against an echo server answering a 232 KB body (the
// size of a 100-entity Feast answer) at 200 req/s it measured p99 4–10 ms where this transport
// measures 1.7–2.3 ms on the same machine (docs/benchmarks.md). The request bytes are built once.
// Up to `connections` sockets open lazily; a request that finds none free waits (counted).
// Warm-up requests (same rate, not recorded) open them and warm the server before the measured window.
import { writeFileSync } from "node:fs";
import net from "node:net";
import { performance } from "node:perf_hooks";
import { ResponseFramer } from "./http-framer";

export interface LoadGenSpec {
  url: string;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  /** Requests per second, evenly spaced. */
  rate: number;
  /** Measured window, seconds. */
  seconds: number;
  /** Unrecorded lead-in at the same rate, seconds. */
  warmupSeconds?: number;
  /** Most sockets open at once (a request waits for a free one, and that wait is counted). */
  connections?: number;
}

export interface LoadGenResult {
  rate: number;
  sent: number;
  ok: number;
  non2xx: number;
  errors: number;
  /** Milliseconds from scheduled send to last response byte. */
  latency: { p50: number; p90: number; p99: number; p999: number; max: number; mean: number };
  /** Milliseconds from scheduled to actual send (the generator's own lateness). */
  sendLag: { p50: number; p99: number; max: number };
  /** Requests completed per second over the measured window. */
  achievedRate: number;
}

function pct(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return Math.round(sorted[i] * 1000) / 1000;
}

/** The request as bytes, sent as is on every request. */
function requestBytes(spec: LoadGenSpec, url: URL): Buffer {
  const body = spec.body === undefined ? Buffer.alloc(0) : Buffer.from(spec.body);
  let head = `${spec.method ?? "POST"} ${url.pathname}${url.search} HTTP/1.1\r\nHost: ${url.host}\r\nConnection: keep-alive\r\n`;
  for (const [k, v] of Object.entries(spec.headers ?? {})) {
    if (k.toLowerCase() !== "content-length" && k.toLowerCase() !== "host") head += `${k}: ${v}\r\n`;
  }
  if (spec.body !== undefined) head += `Content-Length: ${body.length}\r\n`;
  return Buffer.concat([Buffer.from(`${head}\r\n`, "latin1"), body]);
}

interface Pending {
  index: number;
  scheduled: number;
}

interface Conn {
  socket: net.Socket;
  framer: ResponseFramer;
  /** The request in flight on this connection (one at a time: no HTTP pipelining). */
  current: Pending | null;
  open: boolean;
}

export async function runLoad(spec: LoadGenSpec): Promise<LoadGenResult> {
  const url = new URL(spec.url);
  if (url.protocol !== "http:") throw new Error(`load-gen speaks plain HTTP/1.1 only, not ${url.protocol}`);
  const wire = requestBytes(spec, url);
  const maxConns = spec.connections ?? 32;
  const interval = 1000 / spec.rate;
  const warm = Math.round(spec.rate * (spec.warmupSeconds ?? 1));
  const total = warm + Math.round(spec.rate * spec.seconds);
  const latencies: number[] = [];
  /** [scheduled ms since start, latency ms] per measured request, for LOADGEN_DUMP. */
  const series: [number, number][] = [];
  const lags: number[] = [];
  let ok = 0;
  let non2xx = 0;
  let errors = 0;
  let pending = 0;
  let firstMeasured = 0;
  let lastDone = 0;
  const conns: Conn[] = [];
  const idle: Conn[] = [];
  const waiting: Pending[] = [];

  const start = performance.now() + 20;
  let next = 0;

  return await new Promise<LoadGenResult>((resolve) => {
    let finished = false;
    const finishIfDone = () => {
      if (finished || next < total || pending > 0) return;
      finished = true;
      for (const c of [...conns]) c.socket.destroy();
      // LOADGEN_DUMP=<file>: every measured request's schedule time and latency, for looking at
      // when the slow ones happen.
      if (process.env.LOADGEN_DUMP) writeFileSync(process.env.LOADGEN_DUMP, series.map(([t, l]) => `${t.toFixed(3)} ${l.toFixed(3)}`).join("\n"));
      latencies.sort((a, b) => a - b);
      lags.sort((a, b) => a - b);
      const mean = latencies.reduce((sum, x) => sum + x, 0) / (latencies.length || 1);
      resolve({
        rate: spec.rate,
        sent: total - warm,
        ok,
        non2xx,
        errors,
        latency: { p50: pct(latencies, 50), p90: pct(latencies, 90), p99: pct(latencies, 99), p999: pct(latencies, 99.9), max: pct(latencies, 100), mean: Math.round(mean * 1000) / 1000 },
        sendLag: { p50: pct(lags, 50), p99: pct(lags, 99), max: pct(lags, 100) },
        achievedRate: Math.round((latencies.length / ((lastDone - firstMeasured) / 1000)) * 10) / 10,
      });
    };

    const done = (r: Pending, status: number | null) => {
      const end = performance.now();
      pending--;
      if (r.index >= warm) {
        if (status === null) errors++;
        else if (status < 200 || status >= 300) non2xx++;
        else {
          ok++;
          latencies.push(end - r.scheduled);
          series.push([r.scheduled - start, end - r.scheduled]);
        }
        lastDone = end;
      }
    };

    const send = (c: Conn, r: Pending) => {
      c.current = r;
      if (r.index >= warm) {
        lags.push(performance.now() - r.scheduled);
        if (r.index === warm) firstMeasured = r.scheduled;
      }
      c.socket.write(wire);
    };

    /** A connection is free again: give it the oldest waiting request, or park it. */
    const release = (c: Conn) => {
      const r = waiting.shift();
      if (r) send(c, r);
      else idle.push(c);
    };

    /** A connection failed or closed: its request (if any) is an error; waiting requests get a new one. */
    const drop = (c: Conn) => {
      if (!c.open) return;
      c.open = false;
      conns.splice(conns.indexOf(c), 1);
      const at = idle.indexOf(c);
      if (at >= 0) idle.splice(at, 1);
      if (c.current) {
        const r = c.current;
        c.current = null;
        done(r, null);
      }
      if (waiting.length > 0) release(connect());
      finishIfDone();
    };

    const connect = (): Conn => {
      const c = {} as Conn;
      c.open = true;
      c.current = null;
      c.framer = new ResponseFramer(({ status }) => {
        const r = c.current;
        if (!r) throw new Error("a response arrived with no request in flight");
        c.current = null;
        done(r, status);
        release(c);
        finishIfDone();
      });
      c.socket = net.connect({
        host: url.hostname,
        port: Number(url.port || 80),
        noDelay: true,
        onread: {
          buffer: Buffer.allocUnsafe(256 * 1024),
          callback: (n: number, buf: Uint8Array) => {
            try {
              c.framer.push(buf, 0, n);
            } catch {
              c.socket.destroy();
              drop(c);
            }
            return true;
          },
        },
      });
      c.socket.on("error", () => drop(c));
      c.socket.on("close", () => drop(c));
      conns.push(c);
      return c;
    };

    const fire = (i: number, scheduled: number) => {
      pending++;
      const r = { index: i, scheduled };
      const c = idle.pop() ?? (conns.length < maxConns ? connect() : undefined);
      if (c) send(c, r);
      else waiting.push(r);
    };

    const tick = () => {
      let now = performance.now();
      while (next < total && start + next * interval <= now) {
        fire(next, start + next * interval);
        next++;
        now = performance.now();
      }
      if (next >= total) return finishIfDone();
      const wait = start + next * interval - now;
      if (wait > 1.5) setTimeout(tick, wait - 1.2);
      else setImmediate(tick);
    };
    tick();
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const spec = JSON.parse(process.argv[2] ?? "{}") as LoadGenSpec;
  const result = await runLoad(spec);
  process.stdout.write(`${JSON.stringify(result)}\n`);
  process.exit(0);
}
