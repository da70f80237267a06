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

export const authEndpoints: Endpoint[] = [getMe];
