-- CreateTable
CREATE TABLE "DataWatermark" (
    "versionId" TEXT NOT NULL,
    "maxEventTime" TIMESTAMP(3) NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "DataWatermark_pkey" PRIMARY KEY ("versionId")
);

-- AddForeignKey
ALTER TABLE "DataWatermark" ADD CONSTRAINT "DataWatermark_versionId_fkey" FOREIGN KEY ("versionId") REFERENCES "FeatureViewVersion"("id") ON DELETE CASCADE ON UPDATE CASCADE;
