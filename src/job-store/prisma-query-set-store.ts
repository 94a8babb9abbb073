import { Injectable } from '@nestjs/common';
import type { Prisma } from '../generated/prisma/client.js';
import { DatabaseService } from './database.service.js';
import { QuerySetStore, type StoredQuerySet } from './query-set-store.js';

@Injectable()
export class PrismaQuerySetStore extends QuerySetStore {
  constructor(private readonly database: DatabaseService) {
    super();
  }

  get(alias: string): Promise<StoredQuerySet | null> {
    return this.database.prisma.relevanceQuerySet.findUnique({ where: { alias } });
  }

  put(alias: string, querySet: unknown): Promise<StoredQuerySet> {
    const json = querySet as Prisma.InputJsonValue;
    return this.database.prisma.relevanceQuerySet.upsert({ where: { alias }, create: { alias, querySet: json }, update: { querySet: json } });
  }
}
