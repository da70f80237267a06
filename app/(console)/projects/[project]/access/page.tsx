import { AccessPage } from "@/components/console/access/access-page";

export const metadata = { title: "Access" };

export default async function Page({ params }: { params: Promise<{ project: string }> }) {
  const project = decodeURIComponent((await params).project);
  return <AccessPage project={project} />;
}
