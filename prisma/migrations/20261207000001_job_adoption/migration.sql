-- AlterTable
ALTER TABLE `reindex_jobs` ADD COLUMN `adoption` BOOLEAN NOT NULL DEFAULT false;
