// Finds where HTTP/1.1 responses end in a byte stream, for bench/load-gen.ts, without keeping
// their bodies: the generator only needs each response's status, its size and the moment its last
// byte arrived. Node's own client (node:http) makes an IncomingMessage stream and a Buffer per body
// chunk for every response, and on this 2-core machine that work showed up in the latencies it
// measured (docs/benchmarks.md, "the load generator"); this framer reads from the socket's one
// reused buffer and allocates nothing per body byte.
// Handles Content-Length and chunked bodies (the Next route streams chunked), and any split of the
// stream across reads. Anything else (a body delimited by closing the connection, a malformed
// head) throws: no server the benches drive answers that way.

const CR = 13;
const LF = 10;
/** A response head larger than this is not one of ours. */
const MAX_HEAD = 64 * 1024;

const enum State {
  Head,
  Body,
  ChunkSize,
  ChunkData,
  ChunkDataEnd,
  Trailer,
}

export interface FramedResponse {
  status: number;
  /** Body bytes (chunk framing excluded). */
  bodyBytes: number;
}

export class ResponseFramer {
  private state = State.Head;
  /** Head bytes so far (heads are small; only they are copied). */
  private head: number[] = [];
  /** The current chunk-size or trailer line so far. */
  private line = "";
  private remaining = 0;
  private status = 0;
  private bodyBytes = 0;

  constructor(private readonly onResponse: (r: FramedResponse) => void) {}

  /** Feeds bytes b[from, to) of the stream; calls onResponse for every response they complete. */
  push(b: Uint8Array, from = 0, to = b.length): void {
    let at = from;
    while (at < to) {
      switch (this.state) {
        case State.Head: {
          // Copy head bytes until the blank line that ends it.
          const h = this.head;
          while (at < to) {
            h.push(b[at++]);
            const n = h.length;
            if (n >= 4 && h[n - 1] === LF && h[n - 2] === CR && h[n - 3] === LF && h[n - 4] === CR) {
              this.startBody(String.fromCharCode(...h));
              this.head = [];
              break;
            }
            if (n > MAX_HEAD) throw new Error(`response head over ${MAX_HEAD} bytes`);
          }
          break;
        }
        case State.Body:
          at = this.skip(at, to);
          if (this.remaining === 0) this.finish();
          break;
        case State.ChunkSize:
        case State.Trailer: {
          const c = b[at++];
          if (c !== LF) {
            this.line += String.fromCharCode(c);
            if (this.line.length > 1024) throw new Error("chunk-size or trailer line too long");
            break;
          }
          const line = this.line.endsWith("\r") ? this.line.slice(0, -1) : this.line;
          this.line = "";
          if (this.state === State.Trailer) {
            if (line === "") this.finish();
            break;
          }
          const size = Number.parseInt(line.split(";")[0].trim(), 16);
          if (!Number.isFinite(size) || size < 0) throw new Error(`bad chunk size line ${JSON.stringify(line)}`);
          if (size === 0) this.state = State.Trailer;
          else {
            this.remaining = size;
            this.state = State.ChunkData;
          }
          break;
        }
        case State.ChunkData:
          at = this.skip(at, to);
          if (this.remaining === 0) {
            this.state = State.ChunkDataEnd;
            this.remaining = 2;
          }
          break;
        case State.ChunkDataEnd: {
          const c = b[at++];
          if (c !== (this.remaining === 2 ? CR : LF)) throw new Error("chunk data not followed by CRLF");
          if (--this.remaining === 0) this.state = State.ChunkSize;
          break;
        }
      }
    }
  }

  /** Whether the stream is between responses (nothing of a response read yet). */
  get idle(): boolean {
    return this.state === State.Head && this.head.length === 0;
  }

  /** Passes over body bytes from `at` (at most what the body or chunk has left); returns the new position. */
  private skip(at: number, to: number): number {
    const take = Math.min(this.remaining, to - at);
    this.remaining -= take;
    this.bodyBytes += take;
    return at + take;
  }

  private startBody(head: string): void {
    const m = /^HTTP\/1\.[01] (\d{3})/.exec(head);
    if (!m) throw new Error(`not an HTTP/1.x status line: ${JSON.stringify(head.slice(0, 40))}`);
    this.status = Number(m[1]);
    this.bodyBytes = 0;
    if (this.status === 204 || this.status === 304 || (this.status >= 100 && this.status < 200)) {
      // No body (RFC 9112 §6.3); an interim 1xx is not the response itself.
      if (this.status < 200) this.state = State.Head;
      else this.finish();
      return;
    }
    if (/\r\ntransfer-encoding:[^\r]*chunked/i.test(head)) {
      this.state = State.ChunkSize;
      return;
    }
    const len = /\r\ncontent-length:\s*(\d+)/i.exec(head);
    if (!len) throw new Error("response has neither Content-Length nor chunked encoding");
    this.remaining = Number(len[1]);
    this.state = State.Body;
    if (this.remaining === 0) this.finish();
  }

  private finish(): void {
    this.state = State.Head;
    this.onResponse({ status: this.status, bodyBytes: this.bodyBytes });
  }
}
