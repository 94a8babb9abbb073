import { Injectable } from '@nestjs/common';
import { Prisma, type ClusterMigration as ClusterMigrationRow } from '../generated/prisma/client.js';
import { DatabaseService } from './database.service.js';
import { insertFullJob, toJob } from './job-rows.js';
import { ACTIVE_MIGRATION_STATES, type ClusterMigration, type MigrationState } from './job.js';
import { MigrationConflictError, MigrationStore, type MigrationPatch, type MigrationProgress, type NewMigration } from './migration-store.js';

const ACTIVE = [...ACTIVE_MIGRATION_STATES];

@Injectable()
export class PrismaMigrationStore extends MigrationStore {
  constructor(private readonly database: DatabaseService) {
    super();
  }

  private get prisma() {
    return this.database.prisma;
  }

  async create(migration: NewMigration) {
    try {
      return await this.prisma.$transaction(async (tx) => {
        const job = await insertFullJob(tx, migration.job);
        const created = await tx.clusterMigration.create({
          data: {
            alias: migration.alias,
            fromClusterUuid: migration.fromClusterUuid,
            toClusterUuid: migration.toClusterUuid,
            jobId: job.id,
            activeAliasKey: migration.alias,
          },
        });
        return { migration: toMigration(created), job: toJob(job) };
      });
    } catch (error) {
      if (!(error instanceof Prisma.PrismaClientKnownRequestError) || error.code !== 'P2002') throw error;
      const [activeMigration, activeJob] = await Promise.all([
        this.findActive(migration.alias),
        this.prisma.reindexJob.findUnique({ where: { activeAliasKey: migration.alias } }).then((row) => (row ? toJob(row) : null)),
      ]);
      const holder = activeMigration ? `migration ${activeMigration.id} (${activeMigration.state})` : activeJob ? `job ${activeJob.id} (${activeJob.kind} ${activeJob.status})` : 'another request';
      throw new MigrationConflictError(`${migration.alias} is busy with ${holder}`);
    }
  }

  async findActive(alias: string): Promise<ClusterMigration | null> {
    const row = await this.prisma.clusterMigration.findUnique({ where: { activeAliasKey: alias } });
    return row ? toMigration(row) : null;
  }

  async findLatest(alias: string): Promise<ClusterMigration | null> {
    const row = await this.prisma.clusterMigration.findFirst({ where: { alias }, orderBy: { id: 'desc' } });
    return row ? toMigration(row) : null;
  }

  async listActive(): Promise<ClusterMigration[]> {
    const rows = await this.prisma.clusterMigration.findMany({ where: { state: { in: ACTIVE } }, orderBy: { id: 'asc' } });
    return rows.map(toMigration);
  }

  async move(id: number, from: MigrationState, to: MigrationState, patch: MigrationPatch = {}): Promise<ClusterMigration | null> {
    const ends = !ACTIVE.includes(to);
    const now = new Date();
    // The share it is moved from: `since` stays when it does not change, and a share set meanwhile makes the move fail.
    const sharedBefore = patch.readsNextPercent === undefined ? undefined : (await this.prisma.clusterMigration.findUnique({ where: { id } }))?.readsNextPercent;
    const moved = await this.prisma.clusterMigration.updateMany({
      where: { id, state: from, ...(sharedBefore !== undefined ? { readsNextPercent: sharedBefore } : {}) },
      data: {
        state: to,
        waitingFor: null,
        ...(patch.lastError !== undefined ? { lastError: patch.lastError } : {}),
        ...(patch.readsNextPercent !== undefined && patch.readsNextPercent !== sharedBefore ? { readsNextPercent: patch.readsNextPercent, readsSince: now } : {}),
        ...(to === 'CUT_OVER' ? { cutOverAt: now } : {}),
        ...(ends ? { activeAliasKey: null, endedAt: now } : {}),
      },
    });
    return moved.count === 0 ? null : this.findById(id);
  }

  async replaceBuild(id: number, fromJobId: number, toJobId: number): Promise<ClusterMigration | null> {
    const replaced = await this.prisma.clusterMigration.updateMany({ where: { id, state: 'BUILDING', jobId: fromJobId }, data: { jobId: toJobId } });
    return replaced.count === 0 ? null : this.findById(id);
  }

  async recordProgress(id: number, state: MigrationState, progress: MigrationProgress): Promise<ClusterMigration | null> {
    const recorded = await this.prisma.clusterMigration.updateMany({ where: { id, state }, data: progress });
    return recorded.count === 0 ? null : this.findById(id);
  }

  async setReadsNextPercent(id: number, percent: number): Promise<ClusterMigration | null> {
    const set = await this.prisma.clusterMigration.updateMany({ where: { id, state: 'MIRRORING' }, data: { readsNextPercent: percent, readsSince: new Date() } });
    return set.count === 0 ? null : this.findById(id);
  }

  private async findById(id: number): Promise<ClusterMigration> {
    return toMigration(await this.prisma.clusterMigration.findUniqueOrThrow({ where: { id } }));
  }
}

function toMigration(row: ClusterMigrationRow): ClusterMigration {
  const { activeAliasKey: _key, ...migration } = row;
  return migration;
}
