-- AlterTable
ALTER TABLE "Shop" ADD COLUMN     "shopifyShopId" TEXT;

