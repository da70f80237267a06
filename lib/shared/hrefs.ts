// Console paths of catalog objects. The API, search results and lineage nodes all link with these,
// so the console has one URL scheme to implement.
const seg = encodeURIComponent;

export const hrefs = {
  project: (p: string) => `/projects/${seg(p)}`,
  entity: (p: string, name: string) => `/projects/${seg(p)}/entities/${seg(name)}`,
  source: (p: string, name: string) => `/projects/${seg(p)}/sources/${seg(name)}`,
  featureView: (p: string, view: string) => `/projects/${seg(p)}/feature-views/${seg(view)}`,
  featureViewVersion: (p: string, view: string, version: number) =>
    `/projects/${seg(p)}/feature-views/${seg(view)}?version=${version}`,
  feature: (p: string, view: string, version: number, feature: string) =>
    `/projects/${seg(p)}/feature-views/${seg(view)}?version=${version}#feature-${seg(feature)}`,
  /** A feature of the latest version of its view. */
  featureLatest: (p: string, view: string, feature: string) =>
    `/projects/${seg(p)}/feature-views/${seg(view)}#feature-${seg(feature)}`,
  featureService: (p: string, name: string) => `/projects/${seg(p)}/feature-services/${seg(name)}`,
  model: (p: string, name: string) => `/projects/${seg(p)}/models/${seg(name)}`,
};
