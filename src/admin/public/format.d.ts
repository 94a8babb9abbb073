// Types of format.js, the console's formatters (a browser module served as is).

type Maybe<T> = T | null | undefined;

export interface EngineInfo {
  readonly engine: string;
  readonly version: string;
  readonly clusterUuid?: string;
}

export interface ClusterRow {
  readonly role: string;
  readonly info?: EngineInfo | null;
}

export interface PacedJob {
  readonly maxDocsPerSecond: number | null;
  readonly maxDocsPerSecondSetBy?: string | null;
}

export interface Schedule {
  readonly enabled: boolean;
  readonly intervalMinutes: number | null;
  readonly mode: string;
  readonly nextRunAt: string | null;
  readonly lastRunAt?: string | null;
}

export interface DefinitionChange {
  readonly path: string;
  readonly change: 'added' | 'removed' | 'changed';
  readonly code?: unknown;
  readonly live?: unknown;
}

export function number(value: Maybe<number>): string;
export function clock(value: Maybe<string | number>): string;
export function dateTime(value: Maybe<string | number>): string;
export function milliseconds(value: Maybe<number>): string;
export function percent(share: Maybe<number>): string;
export function seconds(value: Maybe<number>): string;
export function duration(ms: number): string;
export function engineName(info: EngineInfo): string;
export function describedCluster(cluster: ClusterRow & { readonly info: EngineInfo }): string;
export function clusterName(clusters: readonly ClusterRow[], uuid: string): string;
export function stateName(status: string, phase: string | null | undefined): string;
export function paceText(job: PacedJob): string;
export function scheduleSummary(schedule: Schedule | null): string;
export function scheduleRuns(schedule: Schedule): string;
export function changeText(change: DefinitionChange): string;
export function bytes(value: Maybe<number>): string;
