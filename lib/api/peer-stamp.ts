// The web server's peer stamp (lib/auth/client-address.ts): Next's route handlers see no socket, so
// every request the process's HTTP servers receive is stamped with its socket's address before
// Next's handler runs. Installed once per process by instrumentation.ts.
import "server-only";
import http from "node:http";
import https from "node:https";
import type { IncomingMessage } from "node:http";
import { stampPeer } from "../auth/client-address";

/** Events of a Node HTTP server whose first argument is the incoming request. */
const REQUEST_EVENTS = new Set<string | symbol>(["request", "checkContinue", "checkExpectation"]);

const g = globalThis as unknown as { larderPeerStampInstalled?: boolean };

export function installPeerStamp(): void {
  if (g.larderPeerStampInstalled) return;
  g.larderPeerStampInstalled = true;
  for (const proto of new Set([http.Server.prototype, https.Server.prototype])) {
    // Looked up per call on the prototype: servers created before this runs are stamped too.
    const emit = proto.emit;
    proto.emit = function (this: http.Server, event: string | symbol, ...args: unknown[]): boolean {
      if (REQUEST_EVENTS.has(event)) stampPeer(args[0] as IncomingMessage);
      return emit.call(this, event, ...args);
    } as typeof proto.emit;
  }
}
