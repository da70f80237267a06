// Console URLs (the URL scheme of docs/console.md).
const e = encodeURIComponent;
export const links = {
  projects: () => "/projects",
  project: (p: string) => `/projects/${e(p)}`,
  features: (p: string) => `/projects/${e(p)}/features`,
  featureViews: (p: string) => `/projects/${e(p)}/feature-views`,
  featureView: (p: string, v: string, version?: number) => `/projects/${e(p)}/feature-views/${e(v)}${version ? `?version=${version}` : ""}`,
  feature: (p: string, v: string, f: string) => `/projects/${e(p)}/feature-views/${e(v)}/features/${e(f)}`,
  entity: (p: string, n: string) => `/projects/${e(p)}/entities/${e(n)}`,
  source: (p: string, n: string) => `/projects/${e(p)}/sources/${e(n)}`,
  featureService: (p: string, n: string) => `/projects/${e(p)}/feature-services/${e(n)}`,
  model: (p: string, n: string) => `/projects/${e(p)}/models/${e(n)}`,
  lineage: (p: string, focus?: string) => `/projects/${e(p)}/lineage${focus ? `?focus=${e(focus)}` : ""}`,
  jobs: (p: string) => `/projects/${e(p)}/jobs`,
  job: (p: string, id: string) => `/projects/${e(p)}/jobs/${e(id)}`,
  access: (p: string) => `/projects/${e(p)}/access`,
  alerts: (p: string) => `/projects/${e(p)}/alerts`,
};
