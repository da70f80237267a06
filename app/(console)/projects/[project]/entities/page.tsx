import { CatalogListPage } from "@/components/console/pages/catalog-list-page";

export const metadata = { title: "Entities" };

export default async function Page({ params }: { params: Promise<{ project: string }> }) {
  const project = decodeURIComponent((await params).project);
  return <CatalogListPage project={project} kind="entities" />;
}
