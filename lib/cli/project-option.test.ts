import { Command } from "commander";
import { afterEach, describe, expect, it } from "vitest";
import { projectOption } from "./project-option";

/** Parses `args` with one command using the option; the project it saw, or the error commander raised. */
function parse(args: string[]): string | Error {
  let seen: string | Error = new Error("action not run");
  const program = new Command().exitOverride().configureOutput({ writeErr: () => undefined });
  program
    .command("run")
    .addOption(projectOption())
    .action((o: { project: string }) => {
      seen = o.project;
    });
  try {
    program.parse(["node", "larder", "run", ...args]);
  } catch (e) {
    return e as Error;
  }
  return seen;
}

describe("-p, --project", () => {
  afterEach(() => {
    delete process.env.LARDER_PROJECT;
  });

  it("is required when LARDER_PROJECT is not set", () => {
    expect(parse([])).toMatchObject({ code: "commander.missingMandatoryOptionValue" });
  });

  it("defaults to LARDER_PROJECT, and the flag wins over it", () => {
    process.env.LARDER_PROJECT = "retail";
    expect(parse([])).toBe("retail");
    expect(parse(["-p", "other"])).toBe("other");
  });
});
