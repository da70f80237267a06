// Admin API (docs/access-control.md): users, projects (create), members, API tokens, alert
// subscriptions and the audit log.
import "server-only";
import { z } from "zod";
import { ROLES } from "../../auth/permissions";
import { NAME_PATTERN } from "../../registry/repo-schema";
import { endpoint, type Endpoint } from "../endpoint";
import { PageOf, PageQuery } from "../../shared/paging";

const Role = z.enum(ROLES);
const Id = z.string().min(1).max(64);
const ObjectName = z
  .string()
  .regex(NAME_PATTERN, "must start with a letter or _ and contain only letters, digits and _")
  .max(128);
const Email = z.string().trim().toLowerCase().pipe(z.email("must be an e-mail address").max(320));
const Password = z.string().min(8, "must be at least 8 characters").max(1024);
const RestrictedGrants = z.array(ObjectName).max(500);
const Timestamp = z.iso.datetime();

const ProjectParams = z.object({ project: z.string() });

// ---- users (instance admin) ------------------------------------------------------------------

export const UserOut = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  isAdmin: z.boolean(),
  disabled: z.boolean(),
  createdAt: Timestamp,
  projects: z.array(z.object({ name: z.string(), role: Role })),
});

export const listUsers = endpoint({
  id: "listUsers",
  method: "GET",
  path: "/api/v1/users",
  permission: "instance.admin",
  summary: "List users (instance admins only). `q` filters by e-mail or name.",
  tags: ["admin"],
  query: PageQuery.extend({ q: z.string().max(200).optional() }),
  response: PageOf(UserOut),
});

export const CreateUserBody = z
  .object({ email: Email, name: z.string().trim().max(200).default(""), password: Password, isAdmin: z.boolean().default(false) })
  .strict();

export const createUser = endpoint({
  id: "createUser",
  method: "POST",
  path: "/api/v1/users",
  permission: "instance.admin",
  summary: "Create a user with a password. 409 when the e-mail address is taken.",
  tags: ["admin"],
  body: CreateUserBody,
  response: UserOut,
  successStatus: 201,
});

export const UpdateUserBody = z
  .object({ name: z.string().trim().max(200), isAdmin: z.boolean(), disabled: z.boolean(), password: Password })
  .partial()
  .strict()
  .refine((b) => Object.keys(b).length > 0, "send at least one of name, isAdmin, disabled, password");

export const updateUser = endpoint({
  id: "updateUser",
  method: "PATCH",
  path: "/api/v1/users/{userId}",
  permission: "instance.admin",
  summary: "Change a user's name, instance-admin flag, disabled state or password. Disabling ends their sessions.",
  tags: ["admin"],
  params: z.object({ userId: Id }),
  body: UpdateUserBody,
  response: UserOut,
});

// ---- projects ----------------------------------------------------------------------------------

export const CreateProjectBody = z
  .object({ name: ObjectName, description: z.string().max(2000).default("") })
  .strict();

export const ProjectOut = z.object({ id: z.string(), name: z.string(), description: z.string(), createdAt: Timestamp });

export const createProject = endpoint({
  id: "createProject",
  method: "POST",
  path: "/api/v1/projects",
  permission: "instance.admin",
  summary: "Create a project (instance admins only); the creator becomes its admin. 409 if the name is taken.",
  tags: ["admin"],
  body: CreateProjectBody,
  response: ProjectOut,
  successStatus: 201,
});

// ---- members -----------------------------------------------------------------------------------

export const MemberOut = z.object({
  userId: z.string(),
  email: z.string(),
  name: z.string(),
  role: Role,
  restrictedGrants: z.array(z.string()),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});

const MemberParams = ProjectParams.extend({ userId: Id });

export const listMembers = endpoint({
  id: "listMembers",
  method: "GET",
  path: "/api/v1/projects/{project}/members",
  permission: "members.read",
  summary: "List the project's members with their roles and restricted-view grants.",
  tags: ["admin"],
  params: ProjectParams,
  query: PageQuery,
  response: PageOf(MemberOut),
});

export const AddMemberBody = z.object({ email: Email, role: Role, restrictedGrants: RestrictedGrants.default([]) }).strict();

export const addMember = endpoint({
  id: "addMember",
  method: "POST",
  path: "/api/v1/projects/{project}/members",
  permission: "members.manage",
  summary: "Add an existing user to the project with a role. 404 if no user has that e-mail; 409 if already a member.",
  tags: ["admin"],
  params: ProjectParams,
  body: AddMemberBody,
  response: MemberOut,
  successStatus: 201,
});

export const UpdateMemberBody = z
  .object({ role: Role, restrictedGrants: RestrictedGrants })
  .partial()
  .strict()
  .refine((b) => Object.keys(b).length > 0, "send role and/or restrictedGrants");

export const updateMember = endpoint({
  id: "updateMember",
  method: "PATCH",
  path: "/api/v1/projects/{project}/members/{userId}",
  permission: "members.manage",
  summary: "Change a member's role or restricted-view grants. 409 when it would leave the project without an admin.",
  tags: ["admin"],
  params: MemberParams,
  body: UpdateMemberBody,
  response: MemberOut,
});

export const removeMember = endpoint({
  id: "removeMember",
  method: "DELETE",
  path: "/api/v1/projects/{project}/members/{userId}",
  permission: "members.manage",
  summary: "Remove a member (their project tokens stop working). 409 for the last admin.",
  tags: ["admin"],
  params: MemberParams,
  successStatus: 204,
});

// ---- API tokens --------------------------------------------------------------------------------

export const TokenOut = z.object({
  id: z.string(),
  name: z.string(),
  prefix: z.string(),
  role: Role,
  restrictedGrants: z.array(z.string()),
  createdBy: z.string(),
  createdAt: Timestamp,
  lastUsedAt: Timestamp.nullable(),
  expiresAt: Timestamp.nullable(),
  revokedAt: Timestamp.nullable(),
});

export const listTokens = endpoint({
  id: "listTokens",
  method: "GET",
  path: "/api/v1/projects/{project}/tokens",
  permission: "tokens.manage",
  summary: "List the project's API tokens (never the secret), newest first, with last-used time.",
  tags: ["admin"],
  params: ProjectParams,
  query: PageQuery,
  response: PageOf(TokenOut),
});

export const CreateTokenBody = z
  .object({
    name: z.string().trim().min(1, "give the token a name").max(100),
    role: Role,
    expiresInDays: z.number().int().min(1).max(3650).optional(),
    restrictedGrants: RestrictedGrants.default([]),
  })
  .strict();

export const createToken = endpoint({
  id: "createToken",
  method: "POST",
  path: "/api/v1/projects/{project}/tokens",
  permission: "tokens.manage",
  summary: "Create an API token for the project. The secret `token` is in this response only; store it now.",
  tags: ["admin"],
  params: ProjectParams,
  body: CreateTokenBody,
  response: TokenOut.extend({ token: z.string() }),
  successStatus: 201,
});

export const revokeToken = endpoint({
  id: "revokeToken",
  method: "DELETE",
  path: "/api/v1/projects/{project}/tokens/{tokenId}",
  permission: "tokens.manage",
  summary: "Revoke a token: it stops working at once and stays listed with its revocation time.",
  tags: ["admin"],
  params: ProjectParams.extend({ tokenId: Id }),
  successStatus: 204,
});

// ---- alert subscriptions -----------------------------------------------------------------------

export const AlertSubscriptionOut = z.object({
  id: z.string(),
  user: z.object({ id: z.string(), email: z.string(), name: z.string() }),
  featureView: z.string().nullable(),
  createdAt: Timestamp,
});

export const listAlertSubscriptions = endpoint({
  id: "listAlertSubscriptions",
  method: "GET",
  path: "/api/v1/projects/{project}/alert-subscriptions",
  permission: "alerts.subscribe",
  summary: "Your e-mail alert subscriptions in the project; callers with alerts.manage see everyone's.",
  tags: ["admin"],
  params: ProjectParams,
  query: PageQuery,
  response: PageOf(AlertSubscriptionOut),
});

export const SubscribeBody = z
  .object({ featureView: ObjectName.optional(), userEmail: Email.optional() })
  .strict();

export const createAlertSubscription = endpoint({
  id: "createAlertSubscription",
  method: "POST",
  path: "/api/v1/projects/{project}/alert-subscriptions",
  permission: "alerts.subscribe",
  summary:
    "Subscribe to job-failure e-mails for the project, or for one `featureView`. `userEmail` subscribes someone else (needs alerts.manage). Idempotent.",
  tags: ["admin"],
  params: ProjectParams,
  body: SubscribeBody,
  response: AlertSubscriptionOut,
  successStatus: 201,
});

export const deleteAlertSubscription = endpoint({
  id: "deleteAlertSubscription",
  method: "DELETE",
  path: "/api/v1/projects/{project}/alert-subscriptions/{subscriptionId}",
  permission: "alerts.subscribe",
  summary: "Unsubscribe: your own subscription, or anyone's with alerts.manage.",
  tags: ["admin"],
  params: ProjectParams.extend({ subscriptionId: Id }),
  successStatus: 204,
});

// ---- audit log ---------------------------------------------------------------------------------

export const AuditEntryOut = z.object({
  id: z.number(),
  at: Timestamp,
  actorType: z.string(),
  actorLabel: z.string(),
  action: z.string(),
  targetType: z.string(),
  targetName: z.string(),
  details: z.record(z.string(), z.unknown()),
});

export const listAuditLog = endpoint({
  id: "listAuditLog",
  method: "GET",
  path: "/api/v1/projects/{project}/audit-log",
  permission: "audit.read",
  summary: "The project's audit log, newest first. Filter with `action` (exact or prefix ending in `.`).",
  tags: ["admin"],
  params: ProjectParams,
  query: PageQuery.extend({ action: z.string().max(100).optional() }),
  response: PageOf(AuditEntryOut),
});

export const adminEndpoints: Endpoint[] = [
  listUsers,
  createUser,
  updateUser,
  createProject,
  listMembers,
  addMember,
  updateMember,
  removeMember,
  listTokens,
  createToken,
  revokeToken,
  listAlertSubscriptions,
  createAlertSubscription,
  deleteAlertSubscription,
  listAuditLog,
];
