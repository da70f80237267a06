// An unknown project (the project layout calls notFound()): the console's 404 under the top bar.
import { NotFound } from "@/components/console/not-found";

export default function ConsoleNotFound() {
  return (
    <main id="main" className="min-w-0 flex-1 px-4 py-5 md:px-6">
      <NotFound />
    </main>
  );
}
