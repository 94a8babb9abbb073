-- CreateTable
CREATE TABLE `reindex_jobs` (
    `id` INTEGER NOT NULL AUTO_INCREMENT,
    `alias` VARCHAR(191) NOT NULL,
    `kind` ENUM('FULL', 'PARTIAL') NOT NULL,
    `trigger` ENUM('DEPLOY', 'SCHEDULE', 'MANUAL') NOT NULL,
    `status` ENUM('PENDING', 'RUNNING', 'PAUSED', 'COMPLETED', 'FAILED', 'CANCELLED') NOT NULL DEFAULT 'PENDING',
    `phase` ENUM('PREPARE', 'BACKFILL', 'CATCH_UP', 'VERIFY', 'ALIAS_SWAP', 'CLEANUP') NULL,
    `definition_hash` CHAR(64) NOT NULL,
    `source_index` VARCHAR(255) NULL,
    `target_index` VARCHAR(255) NULL,
    `record_ids` JSON NULL,
    `cursor` INTEGER NOT NULL DEFAULT 0,
    `docs_processed` INTEGER NOT NULL DEFAULT 0,
    `docs_total` INTEGER NULL,
    `retries` INTEGER NOT NULL DEFAULT 0,
    `last_error` TEXT NULL,
    `active_alias_key` VARCHAR(191) NULL,
    `lease_owner` VARCHAR(191) NULL,
    `lease_expires_at` DATETIME(3) NULL,
    `heartbeat_at` DATETIME(3) NULL,
    `phase_started_at` DATETIME(3) NULL,
    `paused_at` DATETIME(3) NULL,
    `paused_by` VARCHAR(32) NULL,
    `started_at` DATETIME(3) NULL,
    `finished_at` DATETIME(3) NULL,
    `created_at` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    `updated_at` DATETIME(3) NOT NULL,

    UNIQUE INDEX `reindex_jobs_active_alias_key_key`(`active_alias_key`),
    INDEX `reindex_jobs_status_created_at_idx`(`status`, `created_at`),
    INDEX `reindex_jobs_alias_created_at_idx`(`alias`, `created_at`),
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `reindex_job_events` (
    `id` INTEGER NOT NULL AUTO_INCREMENT,
    `job_id` INTEGER NOT NULL,
    `from_status` ENUM('PENDING', 'RUNNING', 'PAUSED', 'COMPLETED', 'FAILED', 'CANCELLED') NULL,
    `to_status` ENUM('PENDING', 'RUNNING', 'PAUSED', 'COMPLETED', 'FAILED', 'CANCELLED') NOT NULL,
    `from_phase` ENUM('PREPARE', 'BACKFILL', 'CATCH_UP', 'VERIFY', 'ALIAS_SWAP', 'CLEANUP') NULL,
    `to_phase` ENUM('PREPARE', 'BACKFILL', 'CATCH_UP', 'VERIFY', 'ALIAS_SWAP', 'CLEANUP') NULL,
    `reason` TEXT NOT NULL,
    `instance_id` VARCHAR(191) NOT NULL,
    `created_at` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),

    INDEX `reindex_job_events_job_id_id_idx`(`job_id`, `id`),
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `reindex_run_slots` (
    `slot` INTEGER NOT NULL,
    `job_id` INTEGER NULL,
    `lease_owner` VARCHAR(191) NULL,
    `lease_expires_at` DATETIME(3) NULL,

    UNIQUE INDEX `reindex_run_slots_job_id_key`(`job_id`),
    PRIMARY KEY (`slot`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `index_schedules` (
    `alias` VARCHAR(191) NOT NULL,
    `enabled` BOOLEAN NOT NULL DEFAULT true,
    `interval_minutes` INTEGER NOT NULL,
    `mode` ENUM('FULL', 'SYNC') NOT NULL DEFAULT 'FULL',
    `next_run_at` DATETIME(3) NOT NULL,
    `last_run_at` DATETIME(3) NULL,
    `updated_at` DATETIME(3) NOT NULL,

    PRIMARY KEY (`alias`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `change_journal` (
    `id` BIGINT NOT NULL AUTO_INCREMENT,
    `job_id` INTEGER NOT NULL,
    `definition` VARCHAR(64) NOT NULL,
    `document_id` VARCHAR(191) NOT NULL,
    `reason` TEXT NOT NULL,
    `created_at` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),

    INDEX `change_journal_job_id_id_idx`(`job_id`, `id`),
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `reindexer_outbox` (
    `id` BIGINT NOT NULL AUTO_INCREMENT,
    `entity` VARCHAR(64) NOT NULL,
    `entity_id` VARCHAR(191) NOT NULL,
    `op` VARCHAR(16) NOT NULL,
    `created_at` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),

    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- AddForeignKey
ALTER TABLE `reindex_job_events` ADD CONSTRAINT `reindex_job_events_job_id_fkey` FOREIGN KEY (`job_id`) REFERENCES `reindex_jobs`(`id`) ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE `change_journal` ADD CONSTRAINT `change_journal_job_id_fkey` FOREIGN KEY (`job_id`) REFERENCES `reindex_jobs`(`id`) ON DELETE CASCADE ON UPDATE CASCADE;
