import { Module } from '@nestjs/common';
import { OpenSearchModule } from '../opensearch/index.js';
import { AliasRouting } from './alias-routing.service.js';
import { ChangeJournal } from './change-journal.service.js';
import { DefinitionDeployments } from './definition-deployments.service.js';
import { DocumentSync } from './document-sync.service.js';
import { DocumentWriter } from './document-writer.service.js';
import { MigrationMirror } from './migration-mirror.service.js';

/**
 * Every document write (DocumentWriter fans a change out): where a change goes (routing, write targets), who may write an index of
 * another definition, the mirror to the next cluster, the change journal and the document sync.
 * One instance of each per application, for the engine, the live updates and the migrations alike.
 */
@Module({
  imports: [OpenSearchModule],
  providers: [AliasRouting, DefinitionDeployments, DocumentSync, ChangeJournal, MigrationMirror, DocumentWriter],
  exports: [AliasRouting, DefinitionDeployments, DocumentSync, ChangeJournal, MigrationMirror, DocumentWriter],
})
export class IndexingModule {}
