import "server-only";
import { z } from "zod";
import { endpoint, type Endpoint } from "../endpoint";
import { PageOf, PageQuery } from "../../shared/paging";
import { ListQuery, SortQuery } from "../../registry/list-query";
import {
  EntityDetailOut,
  EntityOut,
  FeatureListItemOut,
  FeatureServiceDetailOut,
  FeatureServiceOut,
  FeatureViewDetailOut,
  FeatureViewSummaryOut,
  FeatureViewVersionOut,
  ModelDetailOut,
  ModelOut,
  ProjectOut,
  SourceDetailOut,
  SourceOut,
} from "../../registry/read-models";

// ---- registry reads (catalog.read) ------------------------------------------------------------

export const ProjectParam = z.object({ project: z.string().min(1) });
export const NamedParams = ProjectParam.extend({ name: z.string().min(1) });
const ViewParams = ProjectParam.extend({ view: z.string().min(1) });
/** `{project}/{view}/{version}` path parameters (also used by stats and preview). */
export const VersionParams = ViewParams.extend({
  version: z.coerce
    .number({ error: "version must be a whole number like 2" })
    .int("version must be a whole number like 2")
    .min(1, "version must be 1 or more"),
});

export const ProjectListQuery = PageQuery.extend({
  sort: SortQuery,
});

export const FeatureListQuery = ListQuery.extend({
  view: z.string().min(1).optional().meta({ description: "Only features of this view." }),
  dtype: z.string().min(1).optional().meta({ description: "Only features of this dtype, e.g. float64." }),
  q: z.string().min(1).max(200).optional().meta({ description: "Substring of the feature name, its description or its view's name." }),
});

export { ListQuery };

export const listProjects = endpoint({
  id: "listProjects",
  method: "GET",
  path: "/api/v1/projects",
  permission: "authenticated",
  summary: "Projects the caller can see (instance admins: all), with the caller's role and object counts.",
  tags: ["registry"],
  query: ProjectListQuery,
  response: PageOf(ProjectOut),
});

export const getProject = endpoint({
  id: "getProject",
  method: "GET",
  path: "/api/v1/projects/{project}",
  permission: "catalog.read",
  summary: "One project with the caller's role and object counts.",
  tags: ["registry"],
  params: ProjectParam,
  response: ProjectOut,
});

export const listEntities = endpoint({
  id: "listEntities",
  method: "GET",
  path: "/api/v1/projects/{project}/entities",
  permission: "catalog.read",
  summary: "Entities of the project.",
  tags: ["registry"],
  params: ProjectParam,
  query: ListQuery,
  response: PageOf(EntityOut),
});

export const getEntity = endpoint({
  id: "getEntity",
  method: "GET",
  path: "/api/v1/projects/{project}/entities/{name}",
  permission: "catalog.read",
  summary: "One entity and the feature views that describe it.",
  tags: ["registry"],
  params: NamedParams,
  response: EntityDetailOut,
});

export const listSources = endpoint({
  id: "listSources",
  method: "GET",
  path: "/api/v1/projects/{project}/sources",
  permission: "catalog.read",
  summary: "Sources of the project.",
  tags: ["registry"],
  params: ProjectParam,
  query: ListQuery,
  response: PageOf(SourceOut),
});

export const getSource = endpoint({
  id: "getSource",
  method: "GET",
  path: "/api/v1/projects/{project}/sources/{name}",
  permission: "catalog.read",
  summary: "One source and the feature views that read it.",
  tags: ["registry"],
  params: NamedParams,
  response: SourceDetailOut,
});

export const listFeatureViews = endpoint({
  id: "listFeatureViews",
  method: "GET",
  path: "/api/v1/projects/{project}/feature-views",
  permission: "catalog.read",
  summary: "Feature views with a summary of their latest version, feature count and freshness.",
  tags: ["registry"],
  params: ProjectParam,
  query: ListQuery,
  response: PageOf(FeatureViewSummaryOut),
});

export const getFeatureView = endpoint({
  id: "getFeatureView",
  method: "GET",
  path: "/api/v1/projects/{project}/feature-views/{view}",
  permission: "catalog.read",
  summary: "One feature view: every version with its features and definition, and the services and models that use it.",
  tags: ["registry"],
  params: ViewParams,
  response: FeatureViewDetailOut,
});

export const getFeatureViewVersion = endpoint({
  id: "getFeatureViewVersion",
  method: "GET",
  path: "/api/v1/projects/{project}/feature-views/{view}/versions/{version}",
  permission: "catalog.read",
  summary: "One immutable version of a feature view.",
  tags: ["registry"],
  params: VersionParams,
  response: FeatureViewVersionOut,
});

export const listFeatures = endpoint({
  id: "listFeatures",
  method: "GET",
  path: "/api/v1/projects/{project}/features",
  permission: "catalog.read",
  summary: "Features of the latest version of every view, flattened; filter by view, dtype or text.",
  tags: ["registry"],
  params: ProjectParam,
  query: FeatureListQuery,
  response: PageOf(FeatureListItemOut),
});

export const listFeatureServices = endpoint({
  id: "listFeatureServices",
  method: "GET",
  path: "/api/v1/projects/{project}/feature-services",
  permission: "catalog.read",
  summary: "Feature services of the project.",
  tags: ["registry"],
  params: ProjectParam,
  query: ListQuery,
  response: PageOf(FeatureServiceOut),
});

export const getFeatureService = endpoint({
  id: "getFeatureService",
  method: "GET",
  path: "/api/v1/projects/{project}/feature-services/{name}",
  permission: "catalog.read",
  summary: "One feature service with its references resolved to feature versions (unpinned → latest).",
  tags: ["registry"],
  params: NamedParams,
  response: FeatureServiceDetailOut,
});

export const listModels = endpoint({
  id: "listModels",
  method: "GET",
  path: "/api/v1/projects/{project}/models",
  permission: "catalog.read",
  summary: "Models (consumers of feature services) of the project.",
  tags: ["registry"],
  params: ProjectParam,
  query: ListQuery,
  response: PageOf(ModelOut),
});

export const getModel = endpoint({
  id: "getModel",
  method: "GET",
  path: "/api/v1/projects/{project}/models/{name}",
  permission: "catalog.read",
  summary: "One model, its feature services and every feature it reads.",
  tags: ["registry"],
  params: NamedParams,
  response: ModelDetailOut,
});

export const registryReadEndpoints: Endpoint[] = [
  listProjects,
  getProject,
  listEntities,
  getEntity,
  listSources,
  getSource,
  listFeatureViews,
  getFeatureView,
  getFeatureViewVersion,
  listFeatures,
  listFeatureServices,
  getFeatureService,
  listModels,
  getModel,
];

export const registryEndpoints: Endpoint[] = [...registryReadEndpoints];
