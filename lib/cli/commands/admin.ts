// Bootstrap commands that work on the registry database directly (no API, no token needed):
// the first admin user, projects, members and API tokens. They share the use cases of the API,
// so the same checks and audit rows apply; the audit actor is "cli".
import "server-only";
import type { Command } from "commander";
import { CLI_ACTOR } from "../../admin/actor";
import { addMember } from "../../admin/add-member";
import { createProject } from "../../admin/create-project";
import { createToken } from "../../admin/create-token";
import { createUser, generatePassword } from "../../admin/create-user";
import { normalizeEmail } from "../../auth/login";
import { ROLES, type Role } from "../../auth/permissions";
import { db, disconnectDb } from "../../db/client";
import { LarderError, notFound } from "../../errors";

function parseRole(value: string): Role {
  if (!(ROLES as readonly string[]).includes(value)) {
    throw new LarderError("bad_request", `"${value}" is not a role; use one of ${ROLES.join(", ")}.`);
  }
  return value as Role;
}

function parsePositiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new LarderError("bad_request", `"${value}" is not a whole number of days.`);
  return n;
}

async function findProject(name: string) {
  const p = await db().project.findUnique({ where: { name } });
  if (!p || p.archivedAt) throw notFound(`Project "${name}" does not exist; create it with \`larder projects create ${name}\`.`);
  return p;
}

/** Prisma keeps a pool open; the CLI must close it or the process never exits. */
function withDb<A extends unknown[]>(fn: (...args: A) => Promise<void>): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await fn(...args);
    } finally {
      await disconnectDb();
    }
  };
}

export function registerAdminCommands(program: Command): void {
  const users = program.command("users").description("console users (works on the database directly)");
  users
    .command("create")
    .description("create a user; prints a generated password when --password is omitted")
    .requiredOption("--email <email>", "e-mail address (the login)")
    .option("--password <password>", "password (at least 8 characters); generated when omitted")
    .option("--name <name>", "display name", "")
    .option("--admin", "make the user an instance administrator", false)
    .option("--if-not-exists", "succeed without changes when the e-mail address is taken", false)
    .action(
      withDb(async (opts: { email: string; password?: string; name: string; admin: boolean; ifNotExists: boolean }) => {
        const email = normalizeEmail(opts.email);
        if (opts.ifNotExists && (await db().user.findUnique({ where: { email } }))) {
          console.log(`user ${email} already exists; unchanged`);
          return;
        }
        const password = opts.password ?? generatePassword();
        const user = await createUser({ email, password, name: opts.name, isAdmin: opts.admin }, CLI_ACTOR);
        console.log(`created user ${user.email}${user.isAdmin ? " (instance admin)" : ""} id=${user.id}`);
        if (!opts.password) console.log(`password: ${password}`);
      }),
    );

  const projects = program.command("projects").description("projects (create works on the database directly)");
  projects
    .command("create <name>")
    .description("create a project")
    .option("--description <text>", "description", "")
    .option("--admin <email>", "make this user the project's first admin")
    .action(
      withDb(async (name: string, opts: { description: string; admin?: string }) => {
        let adminUserId: string | undefined;
        if (opts.admin) {
          const u = await db().user.findUnique({ where: { email: normalizeEmail(opts.admin) } });
          if (!u) throw notFound(`No user has the e-mail address ${opts.admin}; create it with \`larder users create\`.`);
          adminUserId = u.id;
        }
        const p = await createProject({ name, description: opts.description, adminUserId }, CLI_ACTOR);
        console.log(`created project ${p.name} id=${p.id}${opts.admin ? ` (admin: ${normalizeEmail(opts.admin)})` : ""}`);
      }),
    );

  const members = program.command("members").description("project members (works on the database directly)");
  members
    .command("add <project> <email> <role>")
    .description(`add a user to a project with a role (${ROLES.join(" | ")})`)
    .option("--restricted <views>", "comma-separated restricted views the member may read", "")
    .action(
      withDb(async (projectName: string, email: string, role: string, opts: { restricted: string }) => {
        const project = await findProject(projectName);
        const restrictedGrants = opts.restricted.split(",").map((s) => s.trim()).filter(Boolean);
        const m = await addMember(project, { email, role: parseRole(role), restrictedGrants }, CLI_ACTOR);
        console.log(`added ${m.email} to ${project.name} as ${m.role}`);
      }),
    );

  const tokens = program.command("tokens").description("API tokens (works on the database directly)");
  tokens
    .command("create")
    .description("create a project API token owned by a user; prints the token once")
    .requiredOption("--project <name>", "project the token is scoped to")
    .requiredOption("--role <role>", `role (${ROLES.join(" | ")}); at most the owner's role`)
    .requiredOption("--name <name>", "what the token is for, e.g. ci or training-pipeline")
    .requiredOption("--user <email>", "the user who owns the token")
    .option("--expires-in-days <n>", "expire after this many days")
    .option("--restricted <views>", "comma-separated restricted views the token may read", "")
    .option("--quiet", "print only the token (for scripts)", false)
    .action(
      withDb(
        async (opts: { project: string; role: string; name: string; user: string; expiresInDays?: string; restricted: string; quiet: boolean }) => {
          const project = await findProject(opts.project);
          const owner = await db().user.findUnique({ where: { email: normalizeEmail(opts.user) } });
          if (!owner) throw notFound(`No user has the e-mail address ${opts.user}.`);
          const t = await createToken(
            project,
            {
              name: opts.name,
              role: parseRole(opts.role),
              expiresInDays: opts.expiresInDays ? parsePositiveInt(opts.expiresInDays) : undefined,
              restrictedGrants: opts.restricted.split(",").map((s) => s.trim()).filter(Boolean),
            },
            CLI_ACTOR,
            { creatorUserId: owner.id },
          );
          if (opts.quiet) {
            console.log(t.token);
            return;
          }
          console.log(`created token "${t.name}" (${t.prefix}…) role=${t.role} project=${project.name} owner=${t.createdBy}`);
          console.log(`token (shown once, store it now): ${t.token}`);
        },
      ),
    );
}
