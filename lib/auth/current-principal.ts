// The caller of a server component or server action, from the console session cookie.
// Pages call requirePrincipal(); API routes use handle(), which also accepts bearer tokens.
import "server-only";
import { cookies, headers } from "next/headers";
import { redirect } from "next/navigation";
import type { AuthenticatedPrincipal, Principal } from "./principal";
import { principalFromSession } from "./resolve-principal";
import { REQUESTED_PATH_HEADER, safeNextPath } from "./next-path";
import { SESSION_COOKIE } from "./secrets";

export async function currentPrincipal(): Promise<Principal> {
  const secret = (await cookies()).get(SESSION_COOKIE)?.value;
  if (!secret) return { kind: "anonymous" };
  return (await principalFromSession(secret)) ?? { kind: "anonymous" };
}

/**
 * The signed-in user, or a redirect to the login page that comes back afterwards to `nextPath`, by
 * default the path the browser asked for (set by proxy.ts: a deep link survives the sign-in).
 */
export async function requirePrincipal(nextPath?: string): Promise<AuthenticatedPrincipal> {
  const p = await currentPrincipal();
  if (p.kind === "anonymous") {
    const requested = nextPath ?? (await headers()).get(REQUESTED_PATH_HEADER) ?? undefined;
    redirect(`/login?next=${encodeURIComponent(safeNextPath(requested))}`);
  }
  return p;
}
