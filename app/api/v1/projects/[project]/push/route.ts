import { pushEndpoint } from "@/lib/api/endpoints/retrieval";
import { handle } from "@/lib/api/handle";
import { pushRows } from "@/lib/online/push";

export const POST = handle(pushEndpoint, async ({ project, principal, body }) => pushRows({ project: project.name, principal, request: body }));
