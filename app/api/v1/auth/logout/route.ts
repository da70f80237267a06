import { logout as logoutEndpoint } from "@/lib/api/endpoints/auth";
import { handle } from "@/lib/api/handle";
import { clearedSessionCookie } from "@/lib/auth/login";
import { logout } from "@/lib/auth/logout";

export const POST = handle(logoutEndpoint, async ({ principal, requestId }) => {
  await logout(principal);
  return new Response(null, { status: 204, headers: { "set-cookie": clearedSessionCookie(), "x-request-id": requestId } });
});
