// Project pages: the side navigation, and the caller's permissions in this project (computed here
// with can() so client components can hide what the server would refuse).
import { notFound } from "next/navigation";
import { requirePrincipal } from "@/lib/auth/current-principal";
import { loadProject } from "@/lib/api/handle";
import { projectAccess } from "@/lib/console/capabilities";
import { LarderError } from "@/lib/errors";
import { ProjectAccessProvider } from "@/components/console/project-context";
import { SideNav } from "@/components/console/side-nav";
import { EmptyState } from "@/components/ui/empty-state";

export default async function ProjectLayout({ children, params }: { children: React.ReactNode; params: Promise<{ project: string }> }) {
  const name = decodeURIComponent((await params).project);
  const principal = await requirePrincipal();
  let project;
  try {
    project = await loadProject(name);
  } catch (e) {
    if (e instanceof LarderError && e.code === "not_found") notFound();
    throw e;
  }
  const access = projectAccess(principal, project);
  if (!access.can["catalog.read"]) {
    return (
      <main id="main" className="flex-1 p-8">
        <EmptyState title={`You are not a member of project “${name}”.`} next="Ask one of its admins to add you, or pick another project from the switcher above." />
      </main>
    );
  }
  return (
    <ProjectAccessProvider access={access}>
      <SideNav project={name} />
      <main id="main" className="min-w-0 flex-1 px-4 py-5 md:px-6">
        {children}
      </main>
    </ProjectAccessProvider>
  );
}
