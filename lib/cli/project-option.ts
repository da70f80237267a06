// The `-p, --project` option of the commands that act on one project. Mandatory, but LARDER_PROJECT
// (commander reads it when the flag is absent) saves typing it on every command.
import "server-only";
import { Option } from "commander";

export function projectOption(): Option {
  return new Option("-p, --project <name>", "project").env("LARDER_PROJECT").makeOptionMandatory();
}
