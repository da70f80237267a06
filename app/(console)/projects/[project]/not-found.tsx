// A page of a project that does not exist (an unknown path under it): the 404 beside the project's navigation.
import { NotFound } from "@/components/console/not-found";

export default function ProjectNotFound() {
  return <NotFound />;
}
