import { OverviewPage } from "@/components/console/pages/overview-page";

export default async function Page({ params }: { params: Promise<{ project: string }> }) {
  const project = decodeURIComponent((await params).project);
  return <OverviewPage project={project} />;
}
