// What a console URL names when it is not there: "Feature view “x” does not exist in project p",
// and links to what does (the list it would be in, the project, all projects). Pure, so the 404
// page, the page-level query states and their tests agree on the wording.
import { links } from "./links";

export interface NotFoundLink {
  href: string;
  label: string;
}

export interface Missing {
  /** One sentence: what does not exist. */
  title: string;
  /** The project the path names, when it is not the missing thing itself. */
  project: string | null;
  /** Whether the project itself is what is missing (the page then lists the caller's projects). */
  missingProject: boolean;
  links: NotFoundLink[];
}

const SECTIONS: Record<string, { noun: string; plural: string; list: (p: string) => string }> = {
  "feature-views": { noun: "Feature view", plural: "feature views", list: links.featureViews },
  entities: { noun: "Entity", plural: "entities", list: (p) => `${links.project(p)}/entities` },
  sources: { noun: "Source", plural: "sources", list: (p) => `${links.project(p)}/sources` },
  "feature-services": { noun: "Feature service", plural: "feature services", list: (p) => `${links.project(p)}/feature-services` },
  models: { noun: "Model", plural: "models", list: (p) => `${links.project(p)}/models` },
  jobs: { noun: "Job", plural: "jobs", list: links.jobs },
};

const decode = (s: string): string => {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
};

/** Reads a console path (`/projects/p/feature-views/v`, …) into what it names that is missing. */
export function describeMissing(pathname: string): Missing {
  const parts = pathname.split("/").filter(Boolean).map(decode);
  const all: NotFoundLink = { href: links.projects(), label: "All projects" };
  const nowhere = (project: string | null): Missing => ({
    title: `There is no page at ${pathname}`,
    project,
    missingProject: false,
    links: project ? [{ href: links.project(project), label: `Overview of ${project}` }, all] : [all],
  });
  if (parts[0] !== "projects" || parts.length < 2) return nowhere(null);
  const project = parts[1];
  if (parts.length === 2) return { title: `Project “${project}” does not exist`, project: null, missingProject: true, links: [all] };
  const section = SECTIONS[parts[2]];
  if (!section || parts.length < 4) return nowhere(project);
  const name = parts[3];
  const overview = { href: links.project(project), label: `Overview of ${project}` };
  if (parts[2] === "feature-views" && parts[4] === "features" && parts.length === 6) {
    return {
      title: `Feature “${parts[5]}” does not exist in feature view ${name}`,
      project,
      missingProject: false,
      links: [{ href: links.featureView(project, name), label: name }, { href: links.features(project), label: "All features" }, overview],
    };
  }
  if (parts.length > 4) return nowhere(project);
  return {
    title: `${section.noun} “${name}” does not exist in project ${project}`,
    project,
    missingProject: false,
    links: [{ href: section.list(project), label: `All ${section.plural}` }, overview],
  };
}

/** A view asked for at a version it does not have (`?version=99`). */
export function missingVersion(project: string, view: string, version: string, versions: number[], latest: number): Missing {
  const have = versions.length === 1 ? `v${versions[0]}` : `v${Math.min(...versions)}–v${Math.max(...versions)}`;
  return {
    title: `Feature view ${view} has no version ${version} (it has ${have})`,
    project,
    missingProject: false,
    links: [
      { href: links.featureView(project, view), label: `Latest version (v${latest})` },
      { href: `${links.featureView(project, view)}?tab=versions`, label: "All versions" },
      { href: links.featureViews(project), label: "All feature views" },
    ],
  };
}
