import "server-only";
import { z } from "zod";
import { endpoint, type Endpoint } from "../endpoint";
import { LineageGraph, NodeLineageQuery, ProjectLineageQuery } from "../../lineage/lineage-schema";

const ProjectParam = z.object({ project: z.string().min(1) });

export const getProjectLineage = endpoint({
  id: "getProjectLineage",
  method: "GET",
  path: "/api/v1/projects/{project}/lineage",
  permission: "catalog.read",
  summary: "The whole lineage graph of a project: source → view version → feature → feature service → model (and entity → view version); features=folded folds feature nodes into their view versions except for the views in expand.",
  tags: ["lineage"],
  params: ProjectParam,
  query: ProjectLineageQuery,
  response: LineageGraph,
});

export const getNodeLineage = endpoint({
  id: "getNodeLineage",
  method: "GET",
  path: "/api/v1/projects/{project}/lineage/{nodeId}",
  permission: "catalog.read",
  summary: "Lineage of one node (e.g. feature_view:customer_spend@v2), upstream, downstream or both, to a depth.",
  tags: ["lineage"],
  params: ProjectParam.extend({
    nodeId: z
      .string()
      .min(1)
      .meta({ description: "kind:name — source:transactions, feature_view:customer_spend@v2, feature:customer_spend@v2:amount_sum_7d, feature_service:churn_v1, model:churn_model." }),
  }),
  query: NodeLineageQuery,
  response: LineageGraph,
});

export const lineageEndpoints: Endpoint[] = [getProjectLineage, getNodeLineage];
