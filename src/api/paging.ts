/**
 * One page of a newest-first list read with one row more than the page holds: that extra row says
 * whether an older page exists, so `next` (the `before` of the following page) is null on the last
 * page rather than pointing at an empty one.
 */
export function pageOf<T extends { readonly id: number }>(rows: readonly T[], limit: number): { items: T[]; next: number | null } {
  const items = rows.slice(0, limit);
  return { items, next: rows.length > limit && items.length > 0 ? items[items.length - 1].id : null };
}
