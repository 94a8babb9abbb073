-- AlterTable
ALTER TABLE `reindex_jobs` ADD COLUMN `pace` JSON NULL;
