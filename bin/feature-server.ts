// `npm run feature-server`: the lean Feast-compatible feature server (lib/api/feature-server.ts).
// The npm script also gives V8 --heap-growing-percent=100 (fewer full GCs on a small heap: lower p99;
// docs/retrieval.md, "Performance notes").
import { exitUnlessReadyToServe } from "../lib/config/env";
import { log } from "../lib/config/log";
import { evictionPolicyWarning } from "../lib/online/eviction-policy";
import { startFeatureServer } from "../lib/api/feature-server";
import { sharedRedis } from "../lib/redis/connection";

const port = exitUnlessReadyToServe("feature server").FEATURE_SERVER_PORT;
const server = await startFeatureServer(port);
console.log(`[larder] feature server listening on :${port} (Feast's contract: POST /get-online-features, /push, /write-to-online-store, /materialize, /materialize-incremental; GET /health)`);
const evictionWarning = await evictionPolicyWarning(sharedRedis("online"));
if (evictionWarning) log().warn(evictionWarning);
const stop = () => server.close(() => process.exit(0));
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
