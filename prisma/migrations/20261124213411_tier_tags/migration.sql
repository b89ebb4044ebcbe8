-- AlterTable
ALTER TABLE "Member" ADD COLUMN     "syncedTierId" TEXT;

