// Which jobs the table shows: its filters and its page, as GET /jobs reads them. Newest first; each
// "Older" goes one page further back by the API's cursor, and "Newer" retraces those steps.

export const JOBS_PER_PAGE = 50;

/** The newest page for these filters: `{ alias, status }`, '' for any. */
export const firstPage = (filters) => ({ filters, before: null, newer: [] });

/** The GET /jobs path of the list's page. */
export function jobsPath({ filters, before }) {
  const query = new URLSearchParams({ limit: String(JOBS_PER_PAGE) });
  if (filters.alias) query.set('alias', filters.alias);
  if (filters.status) query.set('status', filters.status);
  if (before !== null) query.set('before', String(before));
  return `/jobs?${query}`;
}

/** The page after this one: `next` is the cursor the API gave with it. */
export const olderPage = (list, next) => ({ ...list, before: next, newer: [...list.newer, list.before] });

/** The page before this one; the newest stays where it is. */
export const newerPage = (list) => (list.newer.length === 0 ? list : { ...list, before: list.newer.at(-1), newer: list.newer.slice(0, -1) });
