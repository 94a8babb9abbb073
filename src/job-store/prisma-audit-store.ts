import { Injectable } from '@nestjs/common';
import { AuditStore, type NewOperatorAction, type OperatorActionRecord } from './audit-store.js';
import { DatabaseService } from './database.service.js';

@Injectable()
export class PrismaAuditStore extends AuditStore {
  constructor(private readonly database: DatabaseService) {
    super();
  }

  async record(action: NewOperatorAction): Promise<void> {
    await this.database.prisma.operatorAction.create({ data: action });
  }

  async list({ before, limit }: { before?: number; limit: number }): Promise<OperatorActionRecord[]> {
    const rows = await this.database.prisma.operatorAction.findMany({ where: before === undefined ? {} : { id: { lt: BigInt(before) } }, orderBy: { id: 'desc' }, take: limit });
    return rows.map((row) => ({ ...row, id: Number(row.id) }));
  }
}
