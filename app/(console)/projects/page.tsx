import { ProjectsPage } from "@/components/console/pages/projects-page";

export const metadata = { title: "Projects" };

export default function Page() {
  return (
    <main id="main" className="mx-auto w-full max-w-5xl px-4 py-6 md:px-6">
      <ProjectsPage />
    </main>
  );
}
