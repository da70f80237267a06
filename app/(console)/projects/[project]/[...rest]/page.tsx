// Any other path under a project that exists is the project's 404 (not-found.tsx beside the layout).
import { notFound } from "next/navigation";

export default function UnknownProjectPage(): never {
  notFound();
}
