// Where to go after login. Shared by the login page (server) and the login form (client).

/** Request header in which proxy.ts hands pages the path (with query) the browser asked for. */
export const REQUESTED_PATH_HEADER = "x-larder-requested-path";

const BASE = "http://larder.invalid";
const UNSAFE = /[\u0000-\u001f\u007f\\]/;

/**
 * Only same-origin paths survive: anything a browser could read as another origin
 * (`https://evil.example`, `//evil.example`, `/\evil.example`, `/<TAB>/evil.example` — browsers drop
 * tabs and newlines from URLs), anything with control characters (which would also break the
 * Location header) or that does not parse, becomes the fallback. The result is the path as the URL
 * parser normalises it.
 */
export function safeNextPath(next: string | undefined | null, fallback = "/projects"): string {
  if (!next || next.length > 2048 || UNSAFE.test(next) || !next.startsWith("/") || next.startsWith("//")) return fallback;
  let url: URL;
  try {
    url = new URL(next, BASE);
  } catch {
    return fallback;
  }
  if (url.origin !== BASE || url.pathname.startsWith("//")) return fallback;
  return `${url.pathname}${url.search}${url.hash}`;
}
