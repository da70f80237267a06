import { describe, expect, it } from "vitest";
import { LOGIN_LIMITS, clientAddress } from "./login-throttle";

const from = (xff?: string) => clientAddress(new Headers(xff === undefined ? {} : { "x-forwarded-for": xff }));

describe("clientAddress", () => {
  it("takes the last X-Forwarded-For entry: the one the nearest proxy (or Next) wrote", () => {
    expect(from("127.0.0.1")).toBe("127.0.0.1");
    expect(from("6.6.6.6, 10.0.0.1,192.0.2.10 ")).toBe("192.0.2.10");
    expect(from("2001:DB8::1")).toBe("2001:db8::1");
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
});
