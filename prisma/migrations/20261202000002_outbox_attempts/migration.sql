-- AlterTable
ALTER TABLE `reindexer_outbox` ADD COLUMN `attempts` INTEGER NOT NULL DEFAULT 0,
    ADD COLUMN `next_attempt_at` DATETIME(3) NULL,
    ADD COLUMN `last_error` TEXT NULL,
    ADD COLUMN `dead_letter_reason` VARCHAR(32) NULL;
