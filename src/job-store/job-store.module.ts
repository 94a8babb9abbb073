import { Global, Module } from '@nestjs/common';
import { AuditStore } from './audit-store.js';
import { DatabaseService } from './database.service.js';
import { HistoryStore } from './history-store.js';
import { JobStore } from './job-store.js';
import { MigrationStore } from './migration-store.js';
import { OutboxStore } from './outbox-store.js';
import { PrismaAuditStore } from './prisma-audit-store.js';
import { PrismaHistoryStore } from './prisma-history-store.js';
import { PrismaJobStore } from './prisma-job-store.js';
import { PrismaMigrationStore } from './prisma-migration-store.js';
import { PrismaOutboxStore } from './prisma-outbox-store.js';
import { PrismaQuerySetStore } from './prisma-query-set-store.js';
import { QuerySetStore } from './query-set-store.js';
import { SourceDatabase } from './source-database.js';
import { SourceReader } from './source-reader.js';

@Global()
@Module({
  providers: [DatabaseService, SourceDatabase, SourceReader, { provide: JobStore, useClass: PrismaJobStore }, { provide: OutboxStore, useClass: PrismaOutboxStore }, { provide: MigrationStore, useClass: PrismaMigrationStore }, { provide: AuditStore, useClass: PrismaAuditStore }, { provide: HistoryStore, useClass: PrismaHistoryStore }, { provide: QuerySetStore, useClass: PrismaQuerySetStore }],
  exports: [DatabaseService, SourceDatabase, SourceReader, JobStore, OutboxStore, MigrationStore, AuditStore, HistoryStore, QuerySetStore],
})
export class JobStoreModule {}
