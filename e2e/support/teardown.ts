// Drops one e2e run's database (spawned by global-setup's teardown with the react-server condition,
// since the registry modules are server-only).
import { dropDatabase } from "../../lib/db/migrate";

await dropDatabase(process.argv[2]);
