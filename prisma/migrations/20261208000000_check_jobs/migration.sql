-- Verify and sync as jobs (see ReindexJob.kind and ReindexJob.result).
ALTER TABLE `reindex_jobs` MODIFY `kind` ENUM('FULL', 'PARTIAL', 'VERIFY', 'SYNC') NOT NULL,
  ADD COLUMN `result` JSON NULL;
