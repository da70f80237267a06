import { login as loginEndpoint } from "@/lib/api/endpoints/auth";
import { handle, jsonResponse } from "@/lib/api/handle";
import { deviceTokenFrom } from "@/lib/auth/device-cookie";
import { deviceCookie, login, sessionCookie } from "@/lib/auth/login";
import { clientAddress } from "@/lib/auth/client-address";

export const POST = handle(loginEndpoint, async ({ request, body, requestId }) => {
  const r = await login(body, { clientAddress: clientAddress(request.headers), deviceToken: deviceTokenFrom(request.headers) });
  return jsonResponse({ user: r.user, expiresAt: r.expiresAt }, 200, [
    ["set-cookie", sessionCookie(r.secret, r.expiresAt)],
    ["set-cookie", deviceCookie(r.deviceToken)],
    ["cache-control", "no-store"],
    ["x-request-id", requestId],
  ]);
});
