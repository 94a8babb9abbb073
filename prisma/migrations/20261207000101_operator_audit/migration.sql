-- AlterTable
ALTER TABLE `reindex_job_events` ADD COLUMN `actor` VARCHAR(64) NULL;

-- CreateTable
CREATE TABLE `operator_audit` (
    `id` BIGINT NOT NULL AUTO_INCREMENT,
    `actor` VARCHAR(64) NOT NULL,
    `role` VARCHAR(16) NOT NULL,
    `method` VARCHAR(8) NOT NULL,
    `path` VARCHAR(512) NOT NULL,
    `status` INTEGER NOT NULL,
    `instance_id` VARCHAR(191) NOT NULL,
    `created_at` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),

    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
