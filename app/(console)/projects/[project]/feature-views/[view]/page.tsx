import { ViewPage } from "@/components/console/feature-view/view-page";

export async function generateMetadata({ params }: { params: Promise<{ view: string }> }) {
  return { title: decodeURIComponent((await params).view) };
}

export default async function Page({ params }: { params: Promise<{ project: string; view: string }> }) {
  const p = await params;
  return <ViewPage project={decodeURIComponent(p.project)} view={decodeURIComponent(p.view)} />;
}
