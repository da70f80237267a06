import { FeaturePage } from "@/components/console/feature-view/feature-page";

export async function generateMetadata({ params }: { params: Promise<{ view: string; feature: string }> }) {
  const p = await params;
  return { title: `${decodeURIComponent(p.view)}:${decodeURIComponent(p.feature)}` };
}

export default async function Page({ params }: { params: Promise<{ project: string; view: string; feature: string }> }) {
  const p = await params;
  return <FeaturePage project={decodeURIComponent(p.project)} view={decodeURIComponent(p.view)} feature={decodeURIComponent(p.feature)} />;
}
