-- AlterTable
ALTER TABLE "SearchDocument" ADD COLUMN     "searchVector" tsvector;

-- CreateIndex
CREATE INDEX "SearchDocument_search_vector_idx" ON "SearchDocument" USING GIN ("searchVector");

-- Backfill (hand-written): documents written before this migration get their vectors. From now
-- on rebuildSearchDocuments writes them with every document. (No semicolons in comments: the
-- migration driver splits statements on them.)
UPDATE "SearchDocument" SET "searchVector" = to_tsvector('simple', "qualifiedName" || ' ' || body);
