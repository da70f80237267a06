import { ObjectPage } from "@/components/console/pages/object-page";

export async function generateMetadata({ params }: { params: Promise<{ name: string }> }) {
  return { title: decodeURIComponent((await params).name) };
}

export default async function Page({ params }: { params: Promise<{ project: string; name: string }> }) {
  const p = await params;
  return <ObjectPage project={decodeURIComponent(p.project)} kind="feature-services" name={decodeURIComponent(p.name)} />;
}
