// The web server's peer stamp on a real node:http server (Next's own server is one): the handler
// sees the socket's address and, from a peer that is not a trusted proxy, no forwarded header.
import { createServer, request, type IncomingHttpHeaders, type Server } from "node:http";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { resetEnvForTests } from "../config/env";
import { PEER_HEADER } from "../auth/client-address";
import { installPeerStamp } from "./peer-stamp";

let server: Server;
let port: number;
let seen: IncomingHttpHeaders;

beforeAll(async () => {
  // Created before the stamp is installed, as Next creates its server before register() runs.
  server = createServer((req, res) => {
    seen = { ...req.headers };
    res.end();
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  port = (server.address() as { port: number }).port;
  installPeerStamp();
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));
afterEach(() => {
  delete process.env.TRUSTED_PROXIES;
  resetEnvForTests();
});

function send(headers: Record<string, string>): Promise<IncomingHttpHeaders> {
  return new Promise((resolve, reject) => {
    const r = request({ host: "127.0.0.1", port, path: "/", method: "GET", headers }, (res) => {
      res.resume();
      res.on("end", () => resolve(seen));
    });
    r.on("error", reject);
    r.end();
  });
}

const SPOOF = {
  "x-forwarded-for": "6.6.6.6",
  "x-forwarded-host": "evil.example",
  "x-forwarded-proto": "https",
  "x-forwarded-port": "443",
  forwarded: "for=6.6.6.6",
  [PEER_HEADER]: "6.6.6.6",
};

describe("installPeerStamp", () => {
  it("replaces a client's peer header with the socket's address and drops its forwarded headers", async () => {
    const h = await send(SPOOF);
    expect(h[PEER_HEADER]).toBe("127.0.0.1");
    for (const name of ["x-forwarded-for", "x-forwarded-host", "x-forwarded-proto", "x-forwarded-port", "forwarded"]) expect(h[name], name).toBeUndefined();
    expect(h.host).toBe(`127.0.0.1:${port}`);
  });

  it("keeps the forwarded headers of a trusted proxy", async () => {
    process.env.TRUSTED_PROXIES = "127.0.0.0/8";
    resetEnvForTests();
    const h = await send(SPOOF);
    expect(h[PEER_HEADER]).toBe("127.0.0.1");
    expect(h["x-forwarded-for"]).toBe("6.6.6.6");
    expect(h["x-forwarded-host"]).toBe("evil.example");
  });

  it("installs once", async () => {
    installPeerStamp();
    expect((await send({}))[PEER_HEADER]).toBe("127.0.0.1");
  });
});
