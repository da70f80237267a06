// Any URL that names no page: the console's 404, outside the signed-in shell.
import { NotFound } from "@/components/console/not-found";

export default function RootNotFound() {
  return (
    <main id="main" className="px-6 py-5">
      <NotFound listProjects={false} />
    </main>
  );
}
