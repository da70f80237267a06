// Who is calling, by network address, and which host they addressed: the peer of the connection,
// unless that peer is one of TRUSTED_PROXIES, in which case the proxies' X-Forwarded-For (rightmost
// entry that is not itself a trusted proxy) and X-Forwarded-Host speak for the client. Without
// TRUSTED_PROXIES (the default) every forwarded header is ignored (docs/security.md, "Proxies and
// client addresses").
//
// The feature server (node:http) knows its peer from the socket. Next's route handlers see no
// socket, and Next only fills X-Forwarded-For from the socket when the client sent none, so a
// client-sent header is indistinguishable from Next's own. The web server therefore stamps every
// request as it arrives (stampPeer, installed by instrumentation.ts): PEER_HEADER carries the
// socket's address (a client-sent one is overwritten), and the forwarded headers of a peer that is
// not a trusted proxy are removed before Next sees them. A request that was not stamped (a route
// handler called in-process) has no known address: it is counted as unknown, never by its headers.
import "server-only";
import type { IncomingMessage } from "node:http";
import { BlockList, isIP } from "node:net";
import { env, type Env } from "../config/env";

/** The socket's address of a web request, written by stampPeer (any client-sent value is replaced). */
export const PEER_HEADER = "x-larder-peer";
const FORWARDED_HEADERS = ["x-forwarded-for", "x-forwarded-host", "x-forwarded-proto", "x-forwarded-port", "forwarded"] as const;

let trusted: { blocks: Env["TRUSTED_PROXIES"]; list: BlockList } | undefined;

function trustedProxies(): BlockList | null {
  const blocks = env().TRUSTED_PROXIES;
  if (blocks.length === 0) return null;
  if (trusted?.blocks !== blocks) {
    const list = new BlockList();
    for (const b of blocks) list.addSubnet(b.address, b.prefix, b.family);
    trusted = { blocks, list };
  }
  return trusted.list;
}

/** An address as one string per host: IPv4-mapped IPv6 as IPv4, no IPv6 zone; null when it is none. */
function plainAddress(raw: string | null | undefined): string | null {
  let a = raw?.trim().toLowerCase();
  if (!a) return null;
  if (a.startsWith("::ffff:") && isIP(a.slice(7)) === 4) a = a.slice(7);
  a = a.split("%")[0]; // an IPv6 zone (`fe80::1%eth0`) is no part of the address
  return isIP(a) ? a : null;
}

/** The address is one of TRUSTED_PROXIES. */
export function isTrustedProxy(raw: string | null | undefined): boolean {
  const a = plainAddress(raw);
  const list = a ? trustedProxies() : null;
  return !!list && list.check(a!, isIP(a!) === 4 ? "ipv4" : "ipv6");
}

/**
 * The client's address: the peer itself, or, when the peer is a trusted proxy, the rightmost
 * X-Forwarded-For entry that is not a trusted proxy (proxies append what they saw; what is left of
 * the first untrusted hop is the client's own claim). null without a peer, or when the trusted
 * chain hands on something that is no address.
 */
export function resolveClientAddress(peer: string | null | undefined, forwardedFor: string | null | undefined): string | null {
  let address = plainAddress(peer);
  if (!address || !forwardedFor || !isTrustedProxy(address)) return address;
  const hops = forwardedFor.split(",");
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = plainAddress(hops[i]);
    if (!hop) return null;
    address = hop;
    if (!isTrustedProxy(hop)) break;
  }
  return address;
}

/**
 * The key to count a client by (rate limits): an IPv4 address as is, an IPv6 address by its /64
 * (one end site usually holds a whole /64 and can pick any address in it).
 */
export function addressKey(address: string | null): string | null {
  if (address === null) return null;
  return isIP(address) === 6 ? ipv6Slash64(address) : address;
}

/** The /64 an IPv6 address is in, canonical: `2001:db8:0:1::/64` for `2001:DB8::1:0:0:0:5`. */
function ipv6Slash64(address: string): string {
  const groups = (s: string) => (s === "" ? [] : s.split(":"));
  // An embedded IPv4 tail (`::1.2.3.4`) stands for two groups.
  const width = (gs: string[]) => gs.reduce((n, x) => n + (x.includes(".") ? 2 : 1), 0);
  const [head, tail] = address.split("::");
  const full =
    tail === undefined
      ? groups(head)
      : [...groups(head), ...Array<string>(8 - width(groups(head)) - width(groups(tail))).fill("0"), ...groups(tail)];
  return `${full
    .slice(0, 4)
    .map((x) => parseInt(x, 16).toString(16))
    .join(":")}::/64`;
}

/** A web request's client, counted by addressKey (null: unknown, e.g. a request that was not stamped). */
export function clientAddress(headers: Headers): string | null {
  return addressKey(resolveClientAddress(headers.get(PEER_HEADER), headers.get("x-forwarded-for")));
}

/** A feature-server request's client, counted by addressKey. */
export function socketClientAddress(req: IncomingMessage): string | null {
  const xff = req.headers["x-forwarded-for"];
  return addressKey(resolveClientAddress(req.socket?.remoteAddress, Array.isArray(xff) ? xff.join(",") : xff));
}

/**
 * The host (`name[:port]`) a web request addressed: X-Forwarded-Host's first entry when the peer is
 * a trusted proxy that sent one, else Host (what the browser put there), else the URL's host.
 */
export function requestedHost(request: Request): string {
  const h = request.headers;
  if (isTrustedProxy(h.get(PEER_HEADER))) {
    const forwarded = h.get("x-forwarded-host")?.split(",")[0].trim();
    if (forwarded) return forwarded.toLowerCase();
  }
  return (h.get("host") ?? new URL(request.url).host).toLowerCase();
}

/**
 * Run on every request the web server receives, before Next sees it: records the socket's address
 * in PEER_HEADER and, unless that peer is a trusted proxy, removes the forwarded headers, so Next
 * fills X-Forwarded-For/-Host/-Proto from the socket itself and nothing downstream reads a client's
 * claim.
 */
export function stampPeer(req: IncomingMessage): void {
  const peer = req.socket?.remoteAddress;
  if (peer) req.headers[PEER_HEADER] = peer;
  else delete req.headers[PEER_HEADER];
  if (!isTrustedProxy(peer)) for (const h of FORWARDED_HEADERS) delete req.headers[h];
}
