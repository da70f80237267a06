// Types of what the console reads and writes, inferred from the API's own zod contracts
// (type-only imports: nothing of the server modules reaches the browser bundle).
// Where a contract has not landed yet the shape is declared here and marked "local".
import type { z } from "zod";
import type { Page } from "@/lib/shared/paging";
import type { Me } from "@/lib/api/endpoints/auth";
import type { ExampleEntities } from "@/lib/api/endpoints/preview";
import type { AlertSubscriptionOut, AuditEntryOut, MemberOut, TokenOut } from "@/lib/api/endpoints/admin";
export type {
  ProjectOut,
  EntityOut,
  EntityDetailOut,
  SourceOut,
  SourceDetailOut,
  FeatureOut,
  FeatureViewSummaryOut,
  FeatureViewVersionOut,
  FeatureViewDetailOut,
  FeatureListItemOut,
  ResolvedFeatureOut,
  FeatureServiceOut,
  FeatureServiceDetailOut,
  ModelOut,
  ModelDetailOut,
} from "@/lib/registry/read-models";
export type { Page };
export type Role = "viewer" | "consumer" | "operator" | "editor" | "admin";

export type MeOut = z.infer<typeof Me>;
export type ExampleEntitiesOut = z.infer<typeof ExampleEntities>;
export type MemberOut = z.infer<typeof MemberOut>;
export type TokenOut = z.infer<typeof TokenOut>;
export type CreatedTokenOut = TokenOut & { token: string };
export type AlertSubscriptionOut = z.infer<typeof AlertSubscriptionOut>;
export type AuditEntryOut = z.infer<typeof AuditEntryOut>;

export type ListSort = "name" | "-name" | "updatedAt" | "-updatedAt";
