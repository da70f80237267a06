// Deterministic sample data for the retail repo: customers' profiles and ~50k card transactions over
// the 90 days ending at a fixed time. The same options always give the same files (seeded PRNG;
// DuckDB only converts the rows to Parquet). Some transactions get a correction row with the same
// event timestamp and a later created timestamp (ties that the latest created must win).
//
//   node --import tsx examples/retail/generate-data.ts [--end 2025-06-01T00:00:00Z] [--out dir]
import { mkdir, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { DuckDBInstance } from "@duckdb/node-api";

export interface RetailDataOptions {
  /** End of the 90-day window; default: now rounded down to the hour. */
  end?: Date;
  customers?: number;
  transactions?: number;
  seed?: number;
}

export interface RetailDataResult {
  dir: string;
  end: Date;
  start: Date;
  files: { transactions: string; customerProfiles: string };
  rows: { transactions: number; customerProfiles: number; corrections: number };
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** mulberry32: small, fast, good enough for sample data, and the same on every machine. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const iso = (ms: number) => new Date(ms).toISOString().replace("T", " ").replace("Z", "");

export function defaultEnd(now = new Date()): Date {
  return new Date(Math.floor(now.getTime() / HOUR) * HOUR);
}

/** Writes `transactions.parquet` and `customer_profiles.parquet` into dir (created if needed). */
export async function generateRetailData(dir: string, opts: RetailDataOptions = {}): Promise<RetailDataResult> {
  const end = opts.end ?? defaultEnd();
  const endMs = end.getTime();
  const startMs = endMs - 90 * DAY;
  const nCustomers = opts.customers ?? 500;
  const nTx = opts.transactions ?? 50_000;
  const rand = prng(opts.seed ?? 42);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)];

  // Profiles: a sign-up row before the window; about a quarter change segment inside it.
  const profiles: string[] = ["customer_id,age,segment,signup_channel,event_timestamp,created_timestamp"];
  const weight: number[] = [];
  for (let id = 1; id <= nCustomers; id++) {
    const signup = startMs - Math.floor(rand() * 365) * DAY - Math.floor(rand() * 86_400) * 1000;
    const age = 18 + Math.floor(rand() * 60);
    const channel = pick(["web", "store", "app"] as const);
    profiles.push(`${id},${age},new,${channel},${iso(signup)},${iso(signup)}`);
    if (rand() < 0.25) {
      const t = startMs + Math.floor(rand() * 89 * 86_400) * 1000;
      profiles.push(`${id},${age},${pick(["regular", "vip"] as const)},${channel},${iso(t)},${iso(t + 60_000)}`);
    }
    // Some customers buy much more often than others.
    weight.push(0.2 + rand() * rand() * 5);
  }
  const total = weight.reduce((a, b) => a + b, 0);
  const cumulative: number[] = [];
  weight.reduce((acc, w, i) => (cumulative[i] = acc + w / total), 0);
  const customerAt = (u: number) => {
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid] < u) lo = mid + 1;
      else hi = mid;
    }
    return lo + 1;
  };

  const tx: string[] = ["transaction_id,customer_id,amount,event_timestamp,created_timestamp"];
  let corrections = 0;
  for (let i = 1; i <= nTx; i++) {
    const customer = customerAt(rand());
    const event = startMs + Math.floor(rand() * 90 * 86_400) * 1000;
    const created = event + Math.floor(rand() * 600) * 1000;
    // Mostly small amounts, a long tail of large ones (> 500 is "large").
    const amount = Math.round((5 + 60 * -Math.log(1 - rand() * 0.999) * (rand() < 0.08 ? 8 : 1)) * 100) / 100;
    tx.push(`${i},${customer},${amount},${iso(event)},${iso(Math.min(created, endMs - 1000))}`);
    if (rand() < 0.02) {
      // A correction: same event timestamp, later created timestamp, different amount.
      const fixed = Math.round(amount * (0.5 + rand()) * 100) / 100;
      tx.push(`${i},${customer},${fixed},${iso(event)},${iso(Math.min(created + (30 + Math.floor(rand() * 3600)) * 1000, endMs - 1000))}`);
      corrections++;
    }
  }

  await mkdir(dir, { recursive: true });
  const txFile = path.join(dir, "transactions.parquet");
  const profileFile = path.join(dir, "customer_profiles.parquet");
  const tmp = path.join(dir, `.gen-${process.pid}`);
  await mkdir(tmp, { recursive: true });
  try {
    await writeFile(path.join(tmp, "tx.csv"), tx.join("\n"));
    await writeFile(path.join(tmp, "profiles.csv"), profiles.join("\n"));
    // A private in-memory instance: this also runs as a plain script outside the app.
    const instance = await DuckDBInstance.create(":memory:", { threads: "1" });
    const conn = await instance.connect();
    const q = (s: string) => `'${s.replace(/'/g, "''")}'`;
    try {
      await conn.run(`COPY (
          SELECT transaction_id, customer_id, amount, event_timestamp, created_timestamp
          FROM read_csv(${q(path.join(tmp, "tx.csv"))}, header = true, columns = {
            'transaction_id': 'BIGINT', 'customer_id': 'BIGINT', 'amount': 'DOUBLE',
            'event_timestamp': 'TIMESTAMP', 'created_timestamp': 'TIMESTAMP'})
          ORDER BY event_timestamp, created_timestamp, transaction_id
        ) TO ${q(txFile)} (FORMAT parquet)`);
      await conn.run(`COPY (
          SELECT customer_id, age, segment, signup_channel, event_timestamp, created_timestamp
          FROM read_csv(${q(path.join(tmp, "profiles.csv"))}, header = true, columns = {
            'customer_id': 'BIGINT', 'age': 'BIGINT', 'segment': 'VARCHAR', 'signup_channel': 'VARCHAR',
            'event_timestamp': 'TIMESTAMP', 'created_timestamp': 'TIMESTAMP'})
          ORDER BY event_timestamp, customer_id
        ) TO ${q(profileFile)} (FORMAT parquet)`);
    } finally {
      conn.closeSync();
      instance.closeSync();
    }
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
  return {
    dir,
    end,
    start: new Date(startMs),
    files: { transactions: txFile, customerProfiles: profileFile },
    rows: { transactions: tx.length - 1, customerProfiles: profiles.length - 1, corrections },
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const args = process.argv.slice(2);
  const arg = (name: string) => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const endArg = arg("--end");
  const end = endArg ? new Date(endArg) : undefined;
  if (end && Number.isNaN(end.getTime())) {
    console.error(`--end must be an ISO date-time, got "${endArg}"`);
    process.exit(1);
  }
  const out = arg("--out") ?? path.join(import.meta.dirname, "data");
  generateRetailData(out, { end }).then(
    (r) => console.log(`wrote ${r.rows.transactions} transactions (${r.rows.corrections} corrections) and ${r.rows.customerProfiles} profile rows to ${r.dir}, ${r.start.toISOString()} – ${r.end.toISOString()}`),
    (e) => {
      console.error(e);
      process.exit(1);
    },
  );
}
