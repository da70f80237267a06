-- AlterTable
ALTER TABLE "FeatureViewVersion" ADD COLUMN     "monitoring" JSONB NOT NULL DEFAULT '{}';

-- CreateTable
CREATE TABLE "QualityResult" (
    "id" TEXT NOT NULL,
    "versionId" TEXT NOT NULL,
    "jobId" TEXT,
    "partition" TEXT NOT NULL,
    "rule" TEXT NOT NULL,
    "feature" TEXT,
    "status" TEXT NOT NULL,
    "onFail" TEXT NOT NULL,
    "observed" DOUBLE PRECISION,
    "expected" TEXT NOT NULL,
    "message" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "QualityResult_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "DriftResult" (
    "id" TEXT NOT NULL,
    "versionId" TEXT NOT NULL,
    "featureName" TEXT NOT NULL,
    "partition" TEXT NOT NULL,
    "reference" TEXT NOT NULL,
    "psi" DOUBLE PRECISION NOT NULL,
    "threshold" DOUBLE PRECISION NOT NULL,
    "drifting" BOOLEAN NOT NULL,
    "jobId" TEXT,
    "computedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "DriftResult_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "MonitorCondition" (
    "id" TEXT NOT NULL,
    "projectId" TEXT NOT NULL,
    "viewName" TEXT,
    "kind" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "firing" BOOLEAN NOT NULL DEFAULT false,
    "since" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastNotifiedAt" TIMESTAMP(3),
    "summary" TEXT NOT NULL DEFAULT '',
    "href" TEXT NOT NULL DEFAULT '',
    "evidence" JSONB NOT NULL DEFAULT '{}',
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "MonitorCondition_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AlertTarget" (
    "id" TEXT NOT NULL,
    "projectId" TEXT NOT NULL,
    "viewName" TEXT,
    "channel" TEXT NOT NULL,
    "address" TEXT NOT NULL,
    "secret" TEXT,
    "events" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "createdBy" TEXT NOT NULL DEFAULT '',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AlertTarget_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AlertDelivery" (
    "id" TEXT NOT NULL,
    "targetId" TEXT NOT NULL,
    "dedupeKey" TEXT NOT NULL,
    "event" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "lastError" TEXT,
    "responseStatus" INTEGER,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "sentAt" TIMESTAMP(3),

    CONSTRAINT "AlertDelivery_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SkewCheck" (
    "id" TEXT NOT NULL,
    "projectId" TEXT NOT NULL,
    "viewName" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "asOf" TIMESTAMP(3) NOT NULL,
    "entities" INTEGER NOT NULL,
    "mismatches" INTEGER NOT NULL,
    "features" JSONB NOT NULL,
    "checkedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SkewCheck_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "QualityResult_jobId_idx" ON "QualityResult"("jobId");

-- CreateIndex
CREATE INDEX "QualityResult_versionId_partition_idx" ON "QualityResult"("versionId", "partition");

-- CreateIndex
CREATE UNIQUE INDEX "DriftResult_versionId_featureName_partition_key" ON "DriftResult"("versionId", "featureName", "partition");

-- CreateIndex
CREATE INDEX "MonitorCondition_projectId_firing_idx" ON "MonitorCondition"("projectId", "firing");

-- CreateIndex
CREATE UNIQUE INDEX "MonitorCondition_projectId_kind_subject_key" ON "MonitorCondition"("projectId", "kind", "subject");

-- CreateIndex
CREATE INDEX "AlertTarget_projectId_idx" ON "AlertTarget"("projectId");

-- CreateIndex
CREATE UNIQUE INDEX "AlertDelivery_dedupeKey_key" ON "AlertDelivery"("dedupeKey");

-- CreateIndex
CREATE INDEX "AlertDelivery_targetId_createdAt_idx" ON "AlertDelivery"("targetId", "createdAt");

-- CreateIndex
CREATE INDEX "SkewCheck_projectId_viewName_checkedAt_idx" ON "SkewCheck"("projectId", "viewName", "checkedAt");

-- AddForeignKey
ALTER TABLE "QualityResult" ADD CONSTRAINT "QualityResult_versionId_fkey" FOREIGN KEY ("versionId") REFERENCES "FeatureViewVersion"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DriftResult" ADD CONSTRAINT "DriftResult_versionId_fkey" FOREIGN KEY ("versionId") REFERENCES "FeatureViewVersion"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "MonitorCondition" ADD CONSTRAINT "MonitorCondition_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AlertTarget" ADD CONSTRAINT "AlertTarget_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AlertDelivery" ADD CONSTRAINT "AlertDelivery_targetId_fkey" FOREIGN KEY ("targetId") REFERENCES "AlertTarget"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SkewCheck" ADD CONSTRAINT "SkewCheck_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project"("id") ON DELETE CASCADE ON UPDATE CASCADE;
