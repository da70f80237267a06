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
// A keep-alive agent holds up to `connections` sockets; warm-up requests (same rate, not recorded)
// open them and warm the server before the measured window.
import { writeFileSync } from "node:fs";
import { Agent, request } from "node:http";
import { performance } from "node:perf_hooks";

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

export async function runLoad(spec: LoadGenSpec): Promise<LoadGenResult> {
  const url = new URL(spec.url);
  const body = spec.body === undefined ? undefined : Buffer.from(spec.body);
  const headers: Record<string, string | number> = { ...(spec.headers ?? {}) };
  if (body) headers["content-length"] = body.length;
  const agent = new Agent({ keepAlive: true, maxSockets: spec.connections ?? 32 });
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

  const start = performance.now() + 20;
  let next = 0;

  return await new Promise<LoadGenResult>((resolve) => {
    const finishIfDone = () => {
      if (next < total || pending > 0) return;
      agent.destroy();
      // LOADGEN_DUMP=<file>: every measured request's schedule time and latency, for looking at
      // when the slow ones happen.
      if (process.env.LOADGEN_DUMP) writeFileSync(process.env.LOADGEN_DUMP, series.map(([t, l]) => `${t.toFixed(3)} ${l.toFixed(3)}`).join("\n"));
      latencies.sort((a, b) => a - b);
      lags.sort((a, b) => a - b);
      const mean = latencies.reduce((s, x) => s + x, 0) / (latencies.length || 1);
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

    const fire = (i: number, scheduled: number) => {
      const measured = i >= warm;
      pending++;
      const sentAt = performance.now();
      if (measured) {
        lags.push(sentAt - scheduled);
        if (i === warm) firstMeasured = scheduled;
      }
      const done = (status: number | null) => {
        const end = performance.now();
        pending--;
        if (measured) {
          if (status === null) errors++;
          else if (status < 200 || status >= 300) non2xx++;
          else {
            ok++;
            latencies.push(end - scheduled);
            series.push([scheduled - start, end - scheduled]);
          }
          lastDone = end;
        }
        finishIfDone();
      };
      const req = request(
        { agent, host: url.hostname, port: url.port, path: url.pathname + url.search, method: spec.method ?? "POST", headers },
        (res) => {
          res.on("data", () => undefined);
          res.on("end", () => done(res.statusCode ?? 0));
          res.on("error", () => done(null));
        },
      );
      req.on("error", () => done(null));
      req.end(body);
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
