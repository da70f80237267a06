// `npm run demo` runs the servers with NODE_ENV=production, which refuses the shared development
// SESSION_SECRET (docs/security.md). The demo therefore makes its own, once per install: random, kept
// in .data/session-secret (mode 0600) so sessions, API tokens and device cookies survive a restart.
import "server-only";
import { randomBytes } from "node:crypto";
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";

export const DEMO_SECRET_FILE = "session-secret";

export interface DemoSecret {
  secret: string;
  /** Where it came from: the environment (left alone), this install's file, or a file just written. */
  source: "environment" | "file" | "created";
  file: string;
}

/**
 * SESSION_SECRET for the demo's processes: the one the environment sets, else the install's own
 * (read from `<dataDir>/session-secret`, created with 32 random bytes the first time).
 */
export function demoSessionSecret(dataDir = path.resolve(".data"), fromEnv = process.env.SESSION_SECRET): DemoSecret {
  const file = path.join(dataDir, DEMO_SECRET_FILE);
  if (fromEnv) return { secret: fromEnv, source: "environment", file };
  mkdirSync(dataDir, { recursive: true });
  try {
    const secret = readFileSync(file, "utf8").trim();
    if (secret.length >= 32) {
      // Whatever widened it (a copy, an umask), the key is for this user only.
      if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
      return { secret, source: "file", file };
    }
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
  }
  const secret = randomBytes(32).toString("hex");
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  chmodSync(file, 0o600); // mode applies only to a new file; an existing short one is rewritten
  return { secret, source: "created", file };
}
