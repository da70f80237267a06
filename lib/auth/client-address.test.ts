// Client addresses and hosts: the peer, and forwarded headers only from TRUSTED_PROXIES (issue 13).
import { afterEach, describe, expect, it } from "vitest";
import { env, resetEnvForTests } from "../config/env";
import { PEER_HEADER, clientAddress, isTrustedProxy, requestedHost, resolveClientAddress } from "./client-address";

const trust = (list?: string) => {
  if (list === undefined) delete process.env.TRUSTED_PROXIES;
  else process.env.TRUSTED_PROXIES = list;
  resetEnvForTests();
};
afterEach(() => trust(undefined));

const from = (peer?: string, xff?: string) =>
  clientAddress(new Headers({ ...(peer === undefined ? {} : { [PEER_HEADER]: peer }), ...(xff === undefined ? {} : { "x-forwarded-for": xff }) }));

describe("TRUSTED_PROXIES", () => {
  it("is empty by default and takes addresses and CIDR blocks of both families", () => {
    expect(env().TRUSTED_PROXIES).toEqual([]);
    trust(" 10.0.0.0/8, 127.0.0.1 ,fd00::/8,::1");
    expect(env().TRUSTED_PROXIES).toEqual([
      { address: "10.0.0.0", prefix: 8, family: "ipv4" },
      { address: "127.0.0.1", prefix: 32, family: "ipv4" },
      { address: "fd00::", prefix: 8, family: "ipv6" },
      { address: "::1", prefix: 128, family: "ipv6" },
    ]);
    expect(isTrustedProxy("10.200.3.4")).toBe(true);
    expect(isTrustedProxy("::ffff:10.1.1.1")).toBe(true);
    expect(isTrustedProxy("fd12::1")).toBe(true);
    expect(isTrustedProxy("11.0.0.1")).toBe(false);
    expect(isTrustedProxy("127.0.0.2")).toBe(false);
    expect(isTrustedProxy(null)).toBe(false);
  });

  it.each(["10.0.0.0/33", "fd00::/129", "localhost", "10.0.0.0/8/1", "10.0.0.0/x", "*"])("refuses %j", (v) => {
    trust(v);
    expect(() => env()).toThrow(/TRUSTED_PROXIES: .* is not an address or CIDR block/);
  });
});

describe("the client's address", () => {
  it("without TRUSTED_PROXIES is the peer, whatever X-Forwarded-For says", () => {
    expect(from("192.0.2.10")).toBe("192.0.2.10");
    expect(from("192.0.2.10", "6.6.6.6")).toBe("192.0.2.10");
    expect(from("192.0.2.10", "6.6.6.6, 7.7.7.7")).toBe("192.0.2.10");
    expect(from("127.0.0.1", "198.51.100.1")).toBe("127.0.0.1");
  });

  it("is unknown without a peer (a request the server did not stamp), even with X-Forwarded-For", () => {
    expect(from()).toBeNull();
    expect(from(undefined, "6.6.6.6")).toBeNull();
    expect(from("not an address")).toBeNull();
  });

  it("behind trusted proxies is the rightmost X-Forwarded-For entry that is not a trusted proxy", () => {
    trust("10.0.0.0/8");
    expect(from("10.0.0.1", "6.6.6.6, 192.0.2.10")).toBe("192.0.2.10");
    // Two proxies of ours appended; the client's own claim (left of its address) is not read.
    expect(from("10.0.0.1", "6.6.6.6, 192.0.2.10, 10.0.0.2")).toBe("192.0.2.10");
    // A peer that is no trusted proxy is the client, whatever it forwards.
    expect(from("192.0.2.99", "6.6.6.6")).toBe("192.0.2.99");
    // A trusted proxy that forwards nothing: the proxy itself.
    expect(from("10.0.0.1")).toBe("10.0.0.1");
    // Something that is no address in the trusted part of the chain: unknown.
    expect(from("10.0.0.1", "1.2.3.4, unknown")).toBeNull();
    expect(from("10.0.0.1", "1.2.3.4:5678")).toBeNull();
    expect(resolveClientAddress("10.0.0.1", "10.0.0.3, 10.0.0.2")).toBe("10.0.0.3");
  });

  it("counts an IPv6 client by its /64 and an IPv4-mapped one as IPv4", () => {
    const a = from("2001:db8:aa:bb:1:2:3:4");
    expect(a).toBe("2001:db8:aa:bb::/64");
    expect(from("2001:0DB8:00AA:00bb::ffff")).toBe(a);
    expect(from("2001:db8:aa:bc::1")).not.toBe(a);
    expect(from("::1")).toBe("0:0:0:0::/64");
    expect(from("fe80::1%eth0")).toBe("fe80:0:0:0::/64");
    expect(from("1:2:3::4:1.2.3.4")).toBe("1:2:3:0::/64");
    expect(from("::ffff:127.0.0.1")).toBe("127.0.0.1");
  });
});

describe("the host a request addressed", () => {
  const req = (headers: Record<string, string>) => new Request("http://internal:3000/api/v1/me", { headers });
  it("is Host (or the URL's) unless a trusted proxy forwarded one", () => {
    expect(requestedHost(req({}))).toBe("internal:3000");
    expect(requestedHost(req({ host: "Larder.Example" }))).toBe("larder.example");
    expect(requestedHost(req({ host: "larder.example", "x-forwarded-host": "evil.example", [PEER_HEADER]: "10.0.0.1" }))).toBe("larder.example");
    trust("10.0.0.0/8");
    expect(requestedHost(req({ host: "internal:3000", "x-forwarded-host": "larder.example, x", [PEER_HEADER]: "10.0.0.1" }))).toBe("larder.example");
    expect(requestedHost(req({ host: "larder.example", "x-forwarded-host": "evil.example", [PEER_HEADER]: "192.0.2.1" }))).toBe("larder.example");
  });
});
