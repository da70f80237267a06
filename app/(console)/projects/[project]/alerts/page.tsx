import { AlertsPage } from "@/components/console/access/alerts-page";

export const metadata = { title: "Alerts" };

export default async function Page({ params }: { params: Promise<{ project: string }> }) {
  const project = decodeURIComponent((await params).project);
  return <AlertsPage project={project} />;
}
