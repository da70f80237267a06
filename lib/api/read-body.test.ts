// One body reader for both servers: a web Request (the Next routes) and a node:http request (the
// feature server) get the same answer for the same bytes.
import { createServer, request as httpRequest, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LarderError } from "../errors";
import { readJsonBody } from "./read-body";

const LIMIT = 1024;

type Outcome = { ok: unknown } | { code: string; message: string };

async function outcomeOf(p: Promise<unknown>): Promise<Outcome> {
  try {
    return { ok: await p };
  } catch (e) {
    if (!(e instanceof LarderError)) throw e;
    return { code: e.code, message: e.message };
  }
}

let server: Server;
let port = 0;
let nextOutcome: ((o: Outcome) => void) | undefined;

beforeAll(async () => {
  server = createServer((req: IncomingMessage, res) => {
    void outcomeOf(readJsonBody(req, { maxBytes: LIMIT, allowMissingType: req.headers["x-allow-missing"] === "1" })).then((o) => {
      nextOutcome?.(o);
      if (!res.socket?.destroyed) res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  port = (server.address() as AddressInfo).port;
});

afterAll(() => new Promise<void>((r) => server.close(() => r())));

interface Case {
  label: string;
  body: Uint8Array | string;
  headers?: Record<string, string>;
  /** Sent in several chunks without a Content-Length. */
  streamed?: boolean;
}

async function viaWeb(c: Case, allowMissingType = false): Promise<Outcome> {
  const bytes = typeof c.body === "string" ? new TextEncoder().encode(c.body) : c.body;
  const body = c.streamed
    ? new ReadableStream<Uint8Array>({
        start(ctl) {
          for (let i = 0; i < bytes.length; i += 256) ctl.enqueue(bytes.slice(i, i + 256));
          ctl.close();
        },
      })
    : bytes;
  const req = new Request("http://larder.test/x", { method: "POST", headers: c.headers, body, duplex: "half" } as RequestInit);
  return outcomeOf(readJsonBody(req, { maxBytes: LIMIT, allowMissingType }));
}

async function viaNode(c: Case, allowMissingType = false): Promise<Outcome> {
  const bytes = typeof c.body === "string" ? Buffer.from(c.body) : Buffer.from(c.body);
  const got = new Promise<Outcome>((r) => (nextOutcome = r));
  const headers: Record<string, string> = { ...c.headers, ...(allowMissingType ? { "x-allow-missing": "1" } : {}) };
  if (!c.streamed && !("content-length" in headers)) headers["content-length"] = String(bytes.length);
  // A fresh connection each time: an oversize body ends with the server closing the last one.
  const req = httpRequest({ host: "127.0.0.1", port, method: "POST", path: "/", headers, agent: false });
  req.on("error", () => {}); // a streamed oversize body ends with the server closing the socket
  req.on("response", (res) => res.resume());
  if (c.streamed) for (let i = 0; i < bytes.length; i += 256) req.write(bytes.subarray(i, i + 256));
  else req.write(bytes);
  req.end();
  return got;
}

const json = { "content-type": "application/json" };
const cases: Case[] = [
  { label: "an object", body: '{"a": 1, "id": 9007199254740993}', headers: json },
  { label: "problem+json style type", body: "[1]", headers: { "content-type": "application/merge-patch+json; charset=utf-8" } },
  { label: "declared over the limit", body: "{}", headers: { ...json, "content-length": String(LIMIT + 1) } },
  { label: "streamed over the limit", body: `{"x":"${"a".repeat(LIMIT)}"}`, headers: json, streamed: true },
  { label: "not JSON", body: "a=1", headers: { "content-type": "application/x-www-form-urlencoded" } },
  { label: "empty", body: "", headers: json },
  { label: "blank", body: " \n\t", headers: json },
  { label: "bytes that are not UTF-8", body: new Uint8Array([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]), headers: json },
  { label: "a CESU surrogate", body: new Uint8Array([0x22, 0xed, 0xa0, 0x80, 0x22]), headers: json },
  { label: "malformed JSON", body: '{"a":', headers: json },
];

describe("readJsonBody: the same answer on both servers", () => {
  for (const c of cases) {
    it(c.label, async () => {
      const web = await viaWeb(c);
      const node = await viaNode(c);
      expect(node).toEqual(web);
    });
  }

  it("answers what each case should", async () => {
    const codes = await Promise.all(cases.map(async (c) => [c.label, "code" in (await viaWeb(c)) ? ((await viaWeb(c)) as { code: string }).code : "ok"]));
    expect(Object.fromEntries(codes)).toEqual({
      "an object": "ok",
      "problem+json style type": "ok",
      "declared over the limit": "payload_too_large",
      "streamed over the limit": "payload_too_large",
      "not JSON": "unsupported_media_type",
      empty: "bad_request",
      blank: "bad_request",
      "bytes that are not UTF-8": "bad_request",
      "a CESU surrogate": "bad_request",
      "malformed JSON": "bad_request",
    });
    expect(await viaWeb(cases[0])).toEqual({ ok: { a: 1, id: 9007199254740993n } });
  });

  it("no Content-Type: 415 on /api/v1, JSON on the feature server (Feast's clients send none)", async () => {
    const c: Case = { label: "untyped", body: '{"a": 1}' };
    expect(await viaWeb(c)).toMatchObject({ code: "unsupported_media_type" });
    expect(await viaNode(c)).toMatchObject({ code: "unsupported_media_type" });
    expect(await viaWeb(c, true)).toEqual({ ok: { a: 1 } });
    expect(await viaNode(c, true)).toEqual({ ok: { a: 1 } });
  });
});
