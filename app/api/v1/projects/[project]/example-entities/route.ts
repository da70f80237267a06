import { getExampleEntities } from "@/lib/api/endpoints/preview";
import { handle } from "@/lib/api/handle";
import { snippetExample } from "@/lib/preview/snippet-example";

export const GET = handle(getExampleEntities, async ({ principal, project, query }) =>
  snippetExample({ principal, project, features: query.features, feature_service: query.feature_service }),
);
