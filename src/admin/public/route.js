// The page's address after `#`: `#/jobs/123` is job 123 opened, so a job can be linked to, reloaded
// and left with the back button. The hash is the one source of which job is open.

/** Job ids are MySQL INT columns, as GET /jobs/:id takes them. */
const MAX_ID = 2147483647;
const JOB = /^#\/jobs\/([1-9][0-9]{0,9})$/;

/** The job `hash` opens (`#/jobs/123` → 123), or null for any other address. */
export function jobOfHash(hash) {
  const match = JOB.exec(hash);
  const id = match ? Number(match[1]) : null;
  return id !== null && id <= MAX_ID ? id : null;
}

/** The address of a job's panel: `#/jobs/123`. */
export const jobHash = (id) => `#/jobs/${id}`;
