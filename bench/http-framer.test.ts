import { createServer, type Server } from "node:http";
import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ResponseFramer, type FramedResponse } from "./http-framer";

function frame(stream: Buffer, cut: (i: number) => boolean = () => false): FramedResponse[] {
  const out: FramedResponse[] = [];
  const f = new ResponseFramer((r) => out.push(r));
  let from = 0;
  for (let i = 1; i <= stream.length; i++) {
    if (i === stream.length || cut(i)) {
      f.push(stream, from, i);
      from = i;
    }
  }
  expect(f.idle).toBe(true);
  return out;
}

const fixed = Buffer.from("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nContent-Length: 11\r\n\r\n{\"a\":[1,2]}");
const chunked = Buffer.from(
  "HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\n" + "5;ext=1\r\nhello\r\n" + "A\r\n0123456789\r\n" + "0\r\nx-trailer: y\r\n\r\n",
);
const noBody = Buffer.from("HTTP/1.1 204 No Content\r\nx: 1\r\n\r\n");
const problem = Buffer.from('HTTP/1.1 400 Bad Request\r\ncontent-length: 2\r\n\r\n{}');

describe("ResponseFramer", () => {
  it("frames back-to-back responses of every kind however the stream is split", () => {
    const stream = Buffer.concat([fixed, chunked, noBody, problem, fixed]);
    const want = [
      { status: 200, bodyBytes: 11 },
      { status: 201, bodyBytes: 15 },
      { status: 204, bodyBytes: 0 },
      { status: 400, bodyBytes: 2 },
      { status: 200, bodyBytes: 11 },
    ];
    expect(frame(stream)).toEqual(want);
    // Every single split point, and byte by byte.
    for (let k = 1; k < stream.length; k++) expect(frame(stream, (i) => i === k)).toEqual(want);
    expect(frame(stream, () => true)).toEqual(want);
  });

  it("reports nothing until a response's last byte arrives", () => {
    const out: FramedResponse[] = [];
    const f = new ResponseFramer((r) => out.push(r));
    f.push(fixed, 0, fixed.length - 1);
    expect(out).toEqual([]);
    expect(f.idle).toBe(false);
    f.push(fixed, fixed.length - 1);
    expect(out).toEqual([{ status: 200, bodyBytes: 11 }]);
  });

  it("refuses what it cannot frame", () => {
    const f = () => new ResponseFramer(() => undefined);
    expect(() => f().push(Buffer.from("HTTP/1.1 200 OK\r\n\r\nbody until close"))).toThrow(/neither Content-Length nor chunked/);
    expect(() => f().push(Buffer.from("SSH-2.0-OpenSSH\r\n\r\n"))).toThrow(/status line/);
    expect(() => f().push(Buffer.from("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"))).toThrow(/chunk size/);
    expect(() => f().push(Buffer.from("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabXY"))).toThrow(/CRLF/);
  });

  describe("against node:http on a real socket", () => {
    let server: Server;
    let port = 0;
    beforeAll(async () => {
      server = createServer((req, res) => {
        req.resume();
        req.on("end", () => {
          if (req.url === "/stream") {
            // No content-length: node:http sends it chunked, one chunk per write.
            res.writeHead(200, { "content-type": "application/json" });
            for (let i = 0; i < 50; i++) res.write(`"${"x".repeat(1000 + i)}",`);
            res.end("0");
          } else {
            const body = Buffer.alloc(300_000, 97);
            res.writeHead(200, { "content-length": body.length });
            res.end(body);
          }
        });
      });
      await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
      port = (server.address() as net.AddressInfo).port;
    });
    afterAll(() => new Promise<void>((r) => server.close(() => r())));

    it("frames keep-alive responses read into one reused buffer", async () => {
      const got: FramedResponse[] = [];
      const paths = ["/fixed", "/stream", "/fixed", "/stream"];
      let socket: net.Socket | undefined;
      await new Promise<void>((resolve, reject) => {
        let sent = 0;
        const framer = new ResponseFramer((r) => {
          got.push(r);
          if (sent < paths.length) send();
          else resolve();
        });
        socket = net.connect({
          host: "127.0.0.1",
          port,
          onread: { buffer: Buffer.allocUnsafe(4096), callback: (n, buf) => { framer.push(buf, 0, n); return true; } },
        });
        const send = () => socket!.write(`POST ${paths[sent++]} HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}`);
        socket.on("error", reject);
        socket.on("connect", send);
        setTimeout(() => reject(new Error(`timed out after ${got.length} responses`)), 10_000);
      }).finally(() => socket?.destroy());
      const streamed = 50 * 1000 + (49 * 50) / 2 + 50 * 3 + 1;
      expect(got).toEqual([
        { status: 200, bodyBytes: 300_000 },
        { status: 200, bodyBytes: streamed },
        { status: 200, bodyBytes: 300_000 },
        { status: 200, bodyBytes: streamed },
      ]);
    });
  });
});
