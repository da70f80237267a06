import { JobPage } from "@/components/console/jobs/job-page";

export const metadata = { title: "Job" };

export default async function Page({ params }: { params: Promise<{ project: string; jobId: string }> }) {
  const p = await params;
  return <JobPage project={decodeURIComponent(p.project)} jobId={decodeURIComponent(p.jobId)} />;
}
