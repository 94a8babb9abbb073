-- The relevance gate's judgement of a job's candidate (see ReindexJob.relevance).
ALTER TABLE `reindex_jobs` ADD COLUMN `relevance` JSON NULL;
