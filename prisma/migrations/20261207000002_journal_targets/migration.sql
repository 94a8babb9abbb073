-- Journal entries name their target and the definition whose replicas replay them. Entries written
-- before carried neither: they get their job's definition and the target that job builds (the
-- migration's job journaled the alias there too, which a replica of that definition replays).
ALTER TABLE `change_journal`
    ADD COLUMN `definition_hash` CHAR(64) NOT NULL DEFAULT '',
    ADD COLUMN `cluster_uuid` VARCHAR(64) NULL,
    ADD COLUMN `target` VARCHAR(255) NOT NULL DEFAULT '';

UPDATE `change_journal` `entry` JOIN `reindex_jobs` `job` ON `job`.`id` = `entry`.`job_id`
SET `entry`.`definition_hash` = `job`.`definition_hash`,
    `entry`.`cluster_uuid` = `job`.`cluster_uuid`,
    `entry`.`target` = CASE
        WHEN `job`.`status` = 'COMPLETED' OR `job`.`phase` = 'CLEANUP' OR `job`.`target_index` IS NULL THEN `job`.`alias`
        ELSE CONCAT(`job`.`target_index`, '.writes')
    END;

ALTER TABLE `change_journal`
    ALTER COLUMN `definition_hash` DROP DEFAULT,
    ALTER COLUMN `target` DROP DEFAULT;

-- CreateIndex (the foreign key on job_id keeps an index that starts with it)
CREATE INDEX `change_journal_job_id_definition_hash_target_id_idx` ON `change_journal`(`job_id`, `definition_hash`, `target`, `id`);

-- DropIndex
DROP INDEX `change_journal_job_id_id_idx` ON `change_journal`;
