import type { AppConfig } from '../../config/index.js';

/** The service's pacing settings a job follows unless an operator rethrottled it. */
export type ServicePacing = Pick<AppConfig['reindex'], 'pace' | 'maxDocsPerSecond'>;

export interface PaceInForce {
  /** Documents per second; 0 = unlimited. */
  readonly docsPerSecond: number;
  readonly setBy: 'operator' | 'auto' | 'REINDEX_MAX_DOCS_PER_SECOND';
}

/**
 * The backfill pace in force: the one an operator set on the job (`operator`), else under
 * REINDEX_PACE=auto what the adaptive pace decided last (`adaptive`; null before its first
 * decision), else REINDEX_MAX_DOCS_PER_SECOND. The backfill paces by it, the API shows it.
 */
export function paceInForce(operator: number | null, adaptive: number | null, pacing: ServicePacing): PaceInForce {
  if (operator !== null) return { docsPerSecond: operator, setBy: 'operator' };
  if (pacing.pace === 'auto' && adaptive !== null) return { docsPerSecond: adaptive, setBy: 'auto' };
  return { docsPerSecond: pacing.maxDocsPerSecond, setBy: 'REINDEX_MAX_DOCS_PER_SECOND' };
}
