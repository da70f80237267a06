import "server-only";
import { z } from "zod";
import { endpoint, type Endpoint } from "../endpoint";

export const Me = z.object({
  kind: z.enum(["user", "token"]),
  email: z.string(),
  isAdmin: z.boolean(),
  projects: z.array(z.object({ name: z.string(), role: z.string() })),
});

export const getMe = endpoint({
  id: "getMe",
  method: "GET",
  path: "/api/v1/me",
  permission: "authenticated",
  summary: "Who the caller is and which projects they can see, with their role in each.",
  tags: ["auth"],
  response: Me,
});

export const LoginBody = z
  .object({
    email: z.string().trim().min(1, "enter your e-mail address").max(320),
    password: z.string().min(1, "enter your password").max(1024),
  })
  .strict();

export const LoginResponse = z.object({
  user: z.object({ id: z.string(), email: z.string(), name: z.string(), isAdmin: z.boolean() }),
  expiresAt: z.string(),
});

export const login = endpoint({
  id: "login",
  method: "POST",
  path: "/api/v1/auth/login",
  permission: "public",
  summary:
    "Sign in with e-mail and password; sets the HttpOnly `larder_session` cookie and the `larder_device` cookie (a trusted-device token that keeps this browser signing in while the e-mail is blocked by failures from elsewhere). 401 on bad credentials; 429 with `Retry-After` after too many failed attempts for the e-mail or client address.",
  tags: ["auth"],
  body: LoginBody,
  response: LoginResponse,
  errorStatuses: [401, 429],
  // Logins carry two short strings; a small limit keeps argon2 away from megabyte passwords.
  maxBodyBytes: 8 * 1024,
});

export const logout = endpoint({
  id: "logout",
  method: "POST",
  path: "/api/v1/auth/logout",
  permission: "authenticated",
  summary: "End the console session and clear its cookie.",
  tags: ["auth"],
  successStatus: 204,
});

export const authEndpoints: Endpoint[] = [getMe, login, logout];
