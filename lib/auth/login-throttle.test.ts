import { describe, expect, it } from "vitest";
import { LOGIN_LIMITS } from "./login-throttle";

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
