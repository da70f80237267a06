// The one request-body reader of both servers (issue 18): the Next wrapper (handle.ts), the
// historical upload adapter (historical-http.ts) and the feature server (feature-server.ts) read,
// size-limit, decode and parse JSON bodies here, with the same limits and the same problems:
// 413 over the limit (declared or streamed), 415 for a body that is not JSON, 400 for an empty
// body, bytes that are not UTF-8, or text that is not JSON.
import "server-only";
import type { IncomingMessage } from "node:http";
import { LarderError, badRequest } from "../errors";
import { parseJsonExact } from "../shared/exact-json";

/** A web Request (Next) or a node:http request (the feature server). */
export type BodySource = Request | IncomingMessage;

const JSON_TYPE = /^application\/(.+\+)?json\b/i;

function headerOf(source: BodySource, name: string): string | undefined {
  if (source instanceof Request) return source.headers.get(name) ?? undefined;
  const v = source.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function chunksOf(source: BodySource): AsyncIterable<Uint8Array> | null {
  // Both are async iterables of bytes: a web ReadableStream and a node Readable.
  return source instanceof Request ? (source.body as AsyncIterable<Uint8Array> | null) : source;
}

/** Reads a body, refusing (413) more than maxBytes whether or not Content-Length says so. */
export async function readBodyLimited(source: BodySource, maxBytes: number, hint = ""): Promise<Buffer> {
  const tail = hint ? ` ${hint}` : "";
  const declared = Number(headerOf(source, "content-length") ?? "0");
  if (declared > maxBytes) {
    // The feature server keeps the connection: drain what the client still sends.
    if (!(source instanceof Request)) source.resume();
    throw new LarderError("payload_too_large", `The body is ${declared} bytes; the limit is ${maxBytes} bytes.${tail}`);
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  const stream = chunksOf(source);
  if (stream) {
    // Leaving the loop early cancels the web stream / destroys the node stream.
    for await (const chunk of stream) {
      size += chunk.byteLength;
      if (size > maxBytes) throw new LarderError("payload_too_large", `The body is larger than the limit of ${maxBytes} bytes.${tail}`);
      chunks.push(chunk);
    }
  }
  return chunks.length === 1 ? Buffer.from(chunks[0].buffer, chunks[0].byteOffset, chunks[0].byteLength) : Buffer.concat(chunks);
}

/** 415 unless the Content-Type is JSON; `allowMissing` accepts a request that sends none (Feast's clients). */
export function requireJsonContentType(source: BodySource, opts: { allowMissing?: boolean } = {}): void {
  const type = headerOf(source, "content-type") ?? "";
  if (type === "" && opts.allowMissing) return;
  if (!JSON_TYPE.test(type)) throw new LarderError("unsupported_media_type", 'Send the body as JSON with "Content-Type: application/json".');
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** Body bytes as JSON: exact numbers (an int64 beyond 2^53 stays a BigInt), 400 when empty, not UTF-8 or not JSON. */
export function parseJsonBody(bytes: Uint8Array, emptyHint = "send a JSON object"): unknown {
  let text: string;
  try {
    // JSON on the wire is UTF-8 (RFC 8259); a byte that is not would silently become U+FFFD.
    text = utf8.decode(bytes);
  } catch {
    throw badRequest("The request body is not valid UTF-8; send JSON encoded as UTF-8.");
  }
  if (text.trim() === "") throw badRequest(`The request body is empty; ${emptyHint}.`);
  try {
    return parseJsonExact(text);
  } catch (e) {
    throw badRequest(`The request body is not valid JSON: ${(e as Error).message}`);
  }
}

/** Content type, limit, decoding and parsing in one: what both servers do with a JSON body. */
export async function readJsonBody(source: BodySource, opts: { maxBytes: number; allowMissingType?: boolean; hint?: string; emptyHint?: string }): Promise<unknown> {
  requireJsonContentType(source, { allowMissing: opts.allowMissingType });
  return parseJsonBody(await readBodyLimited(source, opts.maxBytes, opts.hint), opts.emptyHint);
}
