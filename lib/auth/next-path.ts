// Where to go after login. Shared by the login page (server) and the login form (client).

/** Only same-site absolute paths: `next=https://evil.example` or `//evil.example` become the fallback. */
export function safeNextPath(next: string | undefined | null, fallback = "/projects"): string {
  if (!next || !next.startsWith("/") || next.startsWith("//") || next.startsWith("/\\")) return fallback;
  return next;
}
