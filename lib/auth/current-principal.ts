// The caller of a server component or server action, from the console session cookie.
// Pages call requirePrincipal(); API routes use handle(), which also accepts bearer tokens.
import "server-only";
import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import type { AuthenticatedPrincipal, Principal } from "./principal";
import { principalFromSession } from "./resolve-principal";
import { safeNextPath } from "./next-path";
import { SESSION_COOKIE } from "./secrets";

export async function currentPrincipal(): Promise<Principal> {
  const secret = (await cookies()).get(SESSION_COOKIE)?.value;
  if (!secret) return { kind: "anonymous" };
  return (await principalFromSession(secret)) ?? { kind: "anonymous" };
}

/**
 * The signed-in user, or a redirect to the login page that comes back to `nextPath`
 * (the page's own path, e.g. `/projects/retail/views`) afterwards.
 */
export async function requirePrincipal(nextPath = "/projects"): Promise<AuthenticatedPrincipal> {
  const p = await currentPrincipal();
  if (p.kind === "anonymous") redirect(`/login?next=${encodeURIComponent(safeNextPath(nextPath))}`);
  return p;
}
