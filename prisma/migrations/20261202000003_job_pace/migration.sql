-- AlterTable
ALTER TABLE `reindex_jobs` ADD COLUMN `max_docs_per_second` INTEGER NULL;
