-- CreateTable
CREATE TABLE `index_rollbacks` (
    `alias` VARCHAR(191) NOT NULL,
    `from_index` VARCHAR(255) NOT NULL,
    `to_index` VARCHAR(255) NOT NULL,
    `held_definition_hash` CHAR(64) NOT NULL,
    `instance_id` VARCHAR(191) NOT NULL,
    `rolled_back_at` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),

    PRIMARY KEY (`alias`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
