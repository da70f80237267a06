// Rebuilds the search documents of one project from the registry. Called inside apply's
// transaction so search never lags definitions. (Implemented by the search use cases.)
import type { Prisma } from "../db/generated/client";

export async function rebuildSearchDocuments(_tx: Prisma.TransactionClient, _projectId: string): Promise<void> {
  // Filled in by lib/search (see docs/search.md).
}
