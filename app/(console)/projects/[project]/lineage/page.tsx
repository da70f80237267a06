import { LineagePage } from "@/components/console/lineage/lineage-page";

export const metadata = { title: "Lineage" };

export default async function Page({ params }: { params: Promise<{ project: string }> }) {
  const project = decodeURIComponent((await params).project);
  return <LineagePage project={project} />;
}
