import { Suspense } from "react";
import { SearchPage } from "@/components/console/pages/search-page";
import { PageSkeleton } from "@/components/ui/skeleton";

export const metadata = { title: "Search" };

export default function Page() {
  return (
    <main id="main" className="mx-auto w-full max-w-6xl px-4 py-6 md:px-6">
      <Suspense fallback={<PageSkeleton />}>
        <SearchPage />
      </Suspense>
    </main>
  );
}
