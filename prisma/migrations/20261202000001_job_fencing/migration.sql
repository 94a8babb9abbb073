-- AlterTable
ALTER TABLE `reindex_jobs` ADD COLUMN `lease_token` CHAR(36) NULL,
    ADD COLUMN `failing_since` DATETIME(3) NULL;

-- CreateTable
CREATE TABLE `index_generations` (
    `alias` VARCHAR(191) NOT NULL,
    `generation` INTEGER NOT NULL,

    PRIMARY KEY (`alias`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `deployed_definitions` (
    `alias` VARCHAR(191) NOT NULL,
    `definition_hash` CHAR(64) NOT NULL,
    `first_seen_at` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    `last_seen_at` DATETIME(3) NOT NULL,

    PRIMARY KEY (`alias`, `definition_hash`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
