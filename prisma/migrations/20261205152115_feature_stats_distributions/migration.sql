-- AlterTable
ALTER TABLE "FeatureStatistic" ADD COLUMN     "approximate" TEXT[] DEFAULT ARRAY[]::TEXT[],
ADD COLUMN     "quantiles" JSONB,
ADD COLUMN     "topValues" JSONB;
