import { JobsPage } from "@/components/console/jobs/jobs-page";

export const metadata = { title: "Jobs" };

export default async function Page({ params }: { params: Promise<{ project: string }> }) {
  const project = decodeURIComponent((await params).project);
  return <JobsPage project={project} />;
}
