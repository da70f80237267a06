import { describe, expect, it } from "vitest";
import { LOGIN_LIMITS, clientAddress } from "./login-throttle";

const from = (xff?: string) => clientAddress(new Headers(xff === undefined ? {} : { "x-forwarded-for": xff }));

describe("clientAddress", () => {
  it("takes the last X-Forwarded-For entry: the one the nearest proxy (or Next) wrote", () => {
    expect(from("127.0.0.1")).toBe("127.0.0.1");
    expect(from("6.6.6.6, 10.0.0.1,192.0.2.10 ")).toBe("192.0.2.10");
    expect(from("6.6.6.6, 2001:DB8::1")).toBe("2001:db8:0:0::/64");
  });

  it("counts an IPv6 client by its /64 (one site can use every address in it)", () => {
    const a = from("2001:db8:aa:bb:1:2:3:4");
    expect(a).toBe("2001:db8:aa:bb::/64");
    expect(from("2001:0DB8:00AA:00bb::ffff")).toBe(a);
    expect(from("2001:db8:aa:bb:ffff:ffff:ffff:fffe")).toBe(a);
    expect(from("2001:db8:aa:bc::1")).not.toBe(a);
    expect(from("::1")).toBe("0:0:0:0::/64");
    expect(from("fe80::1%eth0")).toBe("fe80:0:0:0::/64");
    expect(from("64:ff9b::192.0.2.33")).toBe("64:ff9b:0:0::/64");
    expect(from("1:2:3::4:1.2.3.4")).toBe("1:2:3:0::/64");
  });

  it("counts an IPv4-mapped IPv6 address as the IPv4 address", () => {
    expect(from("::ffff:127.0.0.1")).toBe("127.0.0.1");
  });

  it("is null without the header or when the last entry is not an address", () => {
    expect(from()).toBeNull();
    expect(from("")).toBeNull();
    expect(from("1.2.3.4, unknown")).toBeNull();
    expect(from("1.2.3.4:5678")).toBeNull();
  });
});

describe("LOGIN_LIMITS", () => {
  it("one client address alone cannot reach the per-e-mail limit: its pair blocks hold it below", () => {
    const l = LOGIN_LIMITS;
    // One address gets emailIpFailures, then its pair is refused for emailIpBlockSeconds (the block
    // ends the pair's count), so within one per-e-mail window it starts at most this many rounds.
    const rounds = Math.ceil(l.emailWindowSeconds / l.emailIpBlockSeconds);
    expect(rounds * l.emailIpFailures).toBeLessThan(l.emailFailures);
    // A lockout needs 10 times the failures the pair needs.
    expect(l.emailFailures).toBe(10 * l.emailIpFailures);
  });

  it("a trusted device gets the same allowance and block as a (e-mail, client address) pair", () => {
    const l = LOGIN_LIMITS;
    expect(l.deviceFailures).toBe(l.emailIpFailures);
    expect(l.deviceWindowSeconds).toBe(l.emailIpWindowSeconds);
    expect(l.deviceBlockSeconds).toBe(l.emailIpBlockSeconds);
  });
});
