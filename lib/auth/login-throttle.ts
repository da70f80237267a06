// Login throttling (OWASP brute-force protection, rate-limiter-flexible's "login endpoint
// protection" recipe): failed password logins are counted in the queue Redis per e-mail address AND
// client address (consecutive failures: an attacker who guesses wrong locks out only their own
// address, not the account), per client address (across e-mails) and per e-mail address across all
// client addresses (a high limit against guessing spread over many addresses). An attempt is
// counted BEFORE the password is verified (one atomic increment per key), so a refused attempt
// costs no argon2 and a burst of parallel attempts cannot get more verifications than the limits;
// a success forgets its pair's failures and hands its other points back. An attempt from a trusted
// device (a browser holding a valid device cookie for the e-mail, see device-cookie.ts) is counted
// only per device, so guessing from elsewhere cannot lock the owner out of their own browser. If
// Redis is down, logins are not throttled (fail open).
import "server-only";
import type { Redis } from "ioredis";
import { RateLimiterRedis, RateLimiterRes } from "rate-limiter-flexible";
import { env } from "../config/env";
import { rateLimited } from "../errors";
import { createRedis } from "../redis/connection";
import { log } from "../config/log";

/** Failed attempts in a row for one e-mail address from one client address; the next attempt from there is refused. */
export const MAX_CONSECUTIVE_FAILURES_PER_EMAIL_AND_IP = 10;
/** A pair's failures are forgotten this long after the first of them (a success from the pair forgets them at once). */
export const EMAIL_IP_FAILURE_WINDOW_SECONDS = 60 * 60;
/** How long an (e-mail, client address) pair is refused once it reached its limit. */
export const EMAIL_IP_BLOCK_SECONDS = 15 * 60;
/** Failed attempts from one client address per window (across all e-mail addresses). */
export const MAX_FAILURES_PER_IP = 100;
export const IP_FAILURE_WINDOW_SECONDS = 60 * 60;
/** How long a client address is refused once it reached its limit. */
export const IP_BLOCK_SECONDS = 60 * 60;
/**
 * Failed attempts for one e-mail address per window, from all client addresses together. One
 * address alone gets at most 10 failures per 15-minute pair block, i.e. 40 in this window, so
 * reaching it takes several addresses (10 in a burst). A success does not forget these.
 */
export const MAX_FAILURES_PER_EMAIL = 100;
export const EMAIL_FAILURE_WINDOW_SECONDS = 60 * 60;
/** How long an e-mail address is refused, from every client address, once it reached its limit. */
export const EMAIL_BLOCK_SECONDS = 60 * 60;
/** Failed attempts in a row for one e-mail address from one trusted device; the next attempt from it is refused. */
export const MAX_CONSECUTIVE_FAILURES_PER_DEVICE = 10;
/** A device's failures are forgotten this long after the first of them (a success from it forgets them at once). */
export const DEVICE_FAILURE_WINDOW_SECONDS = 60 * 60;
/** How long a trusted device is refused (for its e-mail) once it reached its limit. */
export const DEVICE_BLOCK_SECONDS = 15 * 60;
/** Stands in for the client address in the pair key when there is none (see clientAddress() in client-address.ts). */
export const UNKNOWN_ADDRESS = "unknown";
/** A throttle store that has not answered by then is treated as down: the login goes on unthrottled. */
export const THROTTLE_STORE_TIMEOUT_MS = 1000;

export interface LoginLimits {
  emailIpFailures: number;
  emailIpWindowSeconds: number;
  emailIpBlockSeconds: number;
  ipFailures: number;
  ipWindowSeconds: number;
  ipBlockSeconds: number;
  emailFailures: number;
  emailWindowSeconds: number;
  emailBlockSeconds: number;
  deviceFailures: number;
  deviceWindowSeconds: number;
  deviceBlockSeconds: number;
}

export const LOGIN_LIMITS: LoginLimits = {
  emailIpFailures: MAX_CONSECUTIVE_FAILURES_PER_EMAIL_AND_IP,
  emailIpWindowSeconds: EMAIL_IP_FAILURE_WINDOW_SECONDS,
  emailIpBlockSeconds: EMAIL_IP_BLOCK_SECONDS,
  ipFailures: MAX_FAILURES_PER_IP,
  ipWindowSeconds: IP_FAILURE_WINDOW_SECONDS,
  ipBlockSeconds: IP_BLOCK_SECONDS,
  emailFailures: MAX_FAILURES_PER_EMAIL,
  emailWindowSeconds: EMAIL_FAILURE_WINDOW_SECONDS,
  emailBlockSeconds: EMAIL_BLOCK_SECONDS,
  deviceFailures: MAX_CONSECUTIVE_FAILURES_PER_DEVICE,
  deviceWindowSeconds: DEVICE_FAILURE_WINDOW_SECONDS,
  deviceBlockSeconds: DEVICE_BLOCK_SECONDS,
};

/** One counted login attempt: a wrong password needs nothing more (it stays counted). */
export interface LoginAttempt {
  /** The password was right: forgets the pair's (or device's) failures and hands the other counters their points back. */
  succeeded(): Promise<void>;
  /** No verdict on the password (e.g. the registry failed): hands every point back. */
  abandoned(): Promise<void>;
}

export interface LoginThrottle {
  readonly keyPrefix: string;
  /**
   * Counts an attempt for the (normalized) e-mail and the client address, or throws `rate_limited`
   * (429, Retry-After) when the pair, the address or the e-mail is blocked. With `device`, the nonce
   * of a device token verified for this e-mail (verifyDeviceToken), the attempt is counted only
   * against that device and refused only by its block; the address and e-mail counters neither
   * count it nor refuse it. A failed attempt needs nothing more: it stays counted.
   */
  attempt(email: string, clientAddress: string | null, device?: string | null): Promise<LoginAttempt>;
}

const inWords = new Intl.RelativeTimeFormat("en", { numeric: "always" });

/** "in 45 seconds", "in 15 minutes", "in 1 hour" (rounded up, so the user never comes back too early). */
export function retryIn(seconds: number): string {
  if (seconds < 90) return inWords.format(seconds, "second");
  const minutes = Math.ceil(seconds / 60);
  if (minutes < 60) return inWords.format(minutes, "minute");
  return inWords.format(Math.ceil(minutes / 60), "hour");
}

/** One counter an attempt is counted against. */
interface Counted {
  counter: RateLimiterRedis;
  key: string;
  /** Why the attempt is refused when this counter refuses it. */
  refusal: string;
  /** A success deletes this counter's key (the pair) instead of handing its point back. */
  forgetOnSuccess: boolean;
}

/**
 * Builds a throttle over `redis` with keys `<keyPrefix>:email_ip:<e-mail>_<address>`,
 * `<keyPrefix>:ip:<address>`, `<keyPrefix>:email:<e-mail>` and `<keyPrefix>:device:<e-mail>_<nonce>`.
 * The app uses loginThrottle(); tests build their own with a unique prefix, small limits or a
 * broken client.
 */
export function createLoginThrottle(opts: { redis: Redis; keyPrefix: string; limits?: LoginLimits }): LoginThrottle {
  const { redis, keyPrefix } = opts;
  const limits = opts.limits ?? LOGIN_LIMITS;
  const limiter = (kind: string, points: number, duration: number, blockDuration: number) =>
    new RateLimiterRedis({ storeClient: redis, keyPrefix: `${keyPrefix}:${kind}`, points, duration, blockDuration });
  const byEmailIp = limiter("email_ip", limits.emailIpFailures, limits.emailIpWindowSeconds, limits.emailIpBlockSeconds);
  const byIp = limiter("ip", limits.ipFailures, limits.ipWindowSeconds, limits.ipBlockSeconds);
  const byEmail = limiter("email", limits.emailFailures, limits.emailWindowSeconds, limits.emailBlockSeconds);
  const byDevice = limiter("device", limits.deviceFailures, limits.deviceWindowSeconds, limits.deviceBlockSeconds);

  // Fail open, and say so once per outage rather than on every login.
  let storeDown = false;
  const storeFailed = (err: unknown) => {
    if (storeDown) return;
    storeDown = true;
    log().error({ err }, "login throttle: Redis is unavailable, logins are NOT throttled until it is back");
  };
  const storeAnswered = () => {
    if (!storeDown) return;
    storeDown = false;
    log().warn("login throttle: Redis is back, logins are throttled again");
  };
  // A connection known to be down fails at once instead of waiting for the command timeout.
  const knownDown = () => redis.status === "reconnecting" || redis.status === "close" || redis.status === "end";

  /** Runs a store call; a store error is logged (once) and answered with `fallback`. */
  async function guarded<T>(call: () => Promise<T>, fallback: T): Promise<T> {
    if (knownDown()) {
      storeFailed(new Error(`connection is ${redis.status}`));
      return fallback;
    }
    try {
      const r = await call();
      storeAnswered();
      return r;
    } catch (err) {
      storeFailed(err);
      return fallback;
    }
  }

  /** The limiter's answer: counted (undefined), refused (RateLimiterRes), or store down (null). */
  async function count({ counter, key }: Counted): Promise<RateLimiterRes | null | undefined> {
    return guarded(
      () =>
        counter.consume(key).then(
          () => undefined,
          (e: unknown) => {
            if (e instanceof RateLimiterRes) return e; // over the limit: refused, not a store error
            throw e;
          },
        ),
      null,
    );
  }

  /** An attempt without a trusted device: per pair, per client address and per e-mail. */
  const untrustedCounters = (email: string, clientAddress: string | null): Counted[] => [
    {
      counter: byEmailIp,
      // An unknown address shares one pair per e-mail with every other unknown address.
      key: `${email}_${clientAddress ?? UNKNOWN_ADDRESS}`,
      refusal: "for this e-mail address from your network address",
      forgetOnSuccess: true,
    },
    // Without an address there is nothing to count per address.
    ...(clientAddress === null ? [] : [{ counter: byIp, key: clientAddress, refusal: "from your network address", forgetOnSuccess: false }]),
    { counter: byEmail, key: email, refusal: "for this e-mail address", forgetOnSuccess: false },
  ];

  return {
    keyPrefix,
    async attempt(email, clientAddress, device) {
      const counters: Counted[] = device
        ? // A trusted device: only its own consecutive failures count, so neither guessing from
          // elsewhere nor a block of the network it is on locks the owner out of their browser.
          [{ counter: byDevice, key: `${email}_${device}`, refusal: "for this e-mail address from this browser", forgetOnSuccess: true }]
        : untrustedCounters(email, clientAddress);
      const results = await Promise.all(counters.map(count));
      // Only points this attempt did count are handed back; never a refusing counter's, whose count
      // is what keeps its block in place.
      const counted = counters.filter((_, i) => results[i] === undefined);
      const giveBack = (c: Counted) => guarded(() => c.counter.reward(c.key), null);
      const refusals = counters
        .map((c, i) => ({ refusal: c.refusal, res: results[i] }))
        .filter((r): r is { refusal: string; res: RateLimiterRes } => r.res instanceof RateLimiterRes)
        .map((r) => ({ refusal: r.refusal, seconds: Math.max(1, Math.ceil(r.res.msBeforeNext / 1000)) }));
      if (refusals.length > 0) {
        // A refused attempt checked no password: it counts against no counter.
        await Promise.all(counted.map(giveBack));
        // The longest wait wins, with its reason. The same answer for every e-mail, with or without
        // an account: it reveals nothing.
        const { refusal, seconds } = refusals.reduce((a, b) => (b.seconds > a.seconds ? b : a));
        throw rateLimited(`Too many failed sign-in attempts ${refusal}. Try again ${retryIn(seconds)}.`, seconds);
      }
      return {
        async succeeded() {
          await Promise.all(counted.map((c) => (c.forgetOnSuccess ? guarded(() => c.counter.delete(c.key), false) : giveBack(c))));
        },
        async abandoned() {
          await Promise.all(counted.map(giveBack));
        },
      };
    },
  };
}

const g = globalThis as unknown as { larderLoginThrottle?: LoginThrottle; larderThrottleRedis?: Redis };

/**
 * The process's connection for counters that guard authentication (this throttle, the
 * credential-failure limits): on the queue Redis, a command gives up after one reconnect attempt or
 * THROTTLE_STORE_TIMEOUT_MS, so a request never waits on a Redis that is down.
 */
export function throttleStore(): Redis {
  if (!g.larderThrottleRedis) {
    g.larderThrottleRedis = createRedis("queue", { maxRetriesPerRequest: 1, commandTimeout: THROTTLE_STORE_TIMEOUT_MS });
    // Reconnect errors are not logged here: each limiter logs the outage once, when a request meets it.
    g.larderThrottleRedis.on("error", () => undefined);
  }
  return g.larderThrottleRedis;
}

/**
 * The process's throttle, in the queue Redis under `<QUEUE_PREFIX>:login:` (the queue Redis's
 * per-deployment namespace, `larder:login:` by default; e2e runs and job tests get their own).
 */
export function loginThrottle(): LoginThrottle {
  const keyPrefix = `${env().QUEUE_PREFIX}:login`;
  if (g.larderLoginThrottle?.keyPrefix !== keyPrefix) g.larderLoginThrottle = createLoginThrottle({ redis: throttleStore(), keyPrefix });
  return g.larderLoginThrottle;
}

/** Closes the process's throttle connection (tests). */
export function closeLoginThrottle(): void {
  g.larderThrottleRedis?.disconnect();
  g.larderThrottleRedis = undefined;
  g.larderLoginThrottle = undefined;
}
