import { ProjectsPage } from "@/components/console/pages/projects-page";

export const metadata = { title: "Projects" };

export default function Page() {
  return (
    <main id="main" className="mx-auto w-full max-w-5xl px-6 py-6">
      <ProjectsPage />
    </main>
  );
}
