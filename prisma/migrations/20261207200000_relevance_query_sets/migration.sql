-- CreateTable
CREATE TABLE `relevance_query_sets` (
    `alias` VARCHAR(191) NOT NULL,
    `query_set` JSON NOT NULL,
    `updated_at` DATETIME(3) NOT NULL,

    PRIMARY KEY (`alias`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
