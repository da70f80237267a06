import { FeaturesPage } from "@/components/console/pages/features-page";

export const metadata = { title: "Features" };

export default async function Page({ params }: { params: Promise<{ project: string }> }) {
  const project = decodeURIComponent((await params).project);
  return <FeaturesPage project={project} />;
}
