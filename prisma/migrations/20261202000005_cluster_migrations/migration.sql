-- AlterTable
ALTER TABLE `reindex_jobs` ADD COLUMN `cluster_uuid` VARCHAR(64) NULL;

-- CreateTable
CREATE TABLE `cluster_migrations` (
    `id` INTEGER NOT NULL AUTO_INCREMENT,
    `alias` VARCHAR(191) NOT NULL,
    `from_cluster_uuid` VARCHAR(64) NOT NULL,
    `to_cluster_uuid` VARCHAR(64) NOT NULL,
    `state` ENUM('BUILDING', 'MIRRORING', 'FAILED', 'ABORTED') NOT NULL DEFAULT 'BUILDING',
    `job_id` INTEGER NOT NULL,
    `last_error` TEXT NULL,
    `active_alias_key` VARCHAR(191) NULL,
    `created_at` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    `updated_at` DATETIME(3) NOT NULL,
    `ended_at` DATETIME(3) NULL,

    UNIQUE INDEX `cluster_migrations_job_id_key`(`job_id`),
    UNIQUE INDEX `cluster_migrations_active_alias_key_key`(`active_alias_key`),
    INDEX `cluster_migrations_alias_id_idx`(`alias`, `id`),
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
