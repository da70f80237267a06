// `npm run worker`: a worker process. Run as many as you like, on as many hosts as you like; they
// share the BullMQ queues. SIGTERM/SIGINT finish the running jobs, then exit (a second signal exits
// at once; the stalled check hands unfinished jobs to another worker).
import { env, exitUnlessReadyToServe } from "../lib/config/env";
import { log } from "../lib/config/log";
import { disconnectDb } from "../lib/db/client";
import { QUEUES, closeQueues, queuePrefix, type QueueName } from "../lib/queues/contracts";
import { evictionPolicyWarning } from "../lib/online/eviction-policy";
import { closeSharedRedis, sharedRedis } from "../lib/redis/connection";
import { startWorkers } from "./register";

/** WORKER_QUEUES, checked against the queues this version has (a typo must not leave a queue unserved silently). */
function queuesToRun(): QueueName[] | undefined {
  const wanted = env().WORKER_QUEUES?.split(",");
  if (!wanted) return undefined;
  const known = Object.values(QUEUES) as string[];
  const unknown = wanted.filter((q) => !known.includes(q));
  if (unknown.length) {
    log().fatal(`WORKER_QUEUES names unknown queue(s) ${unknown.join(", ")}; the queues are ${known.join(", ")}`);
    process.exit(2);
  }
  return wanted as QueueName[];
}

exitUnlessReadyToServe("worker");
const set = startWorkers({ housekeeping: true, queues: queuesToRun() });
// The banner is the process's output (supervisors and the e2e setup wait for it), not a log line.
console.log(`[larder worker] pid ${process.pid} started: queues ${set.workers.map((w) => w.name).join(", ")}; prefix ${queuePrefix()}; concurrency ${env().WORKER_CONCURRENCY}`);

void evictionPolicyWarning(sharedRedis("online")).then((w) => w && log().warn(w));

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) {
    log().warn(`${signal} again: exiting now`);
    process.exit(1);
  }
  stopping = true;
  log().info(`${signal}: finishing running jobs, then exiting (send again to exit now)`);
  try {
    await set.close();
    await closeQueues();
    await closeSharedRedis();
    await disconnectDb();
  } catch (err) {
    log().error({ err }, "shutdown error");
  }
  process.exit(0);
}

process.on("SIGTERM", () => void shutdown("SIGTERM"));
process.on("SIGINT", () => void shutdown("SIGINT"));
