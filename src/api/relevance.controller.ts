import { Body, Controller, Get, Param, Put, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { QuerySetDto, QuerySets, type QuerySetView } from '../relevance/index.js';
import { AdminTokenGuard } from './admin-token.guard.js';
import { ApiErrorResponses } from './api-error-responses.decorator.js';

/** The relevance query set of an index: what comparisons run. */
@ApiTags('relevance')
@ApiBearerAuth()
@ApiErrorResponses(401)
@UseGuards(AdminTokenGuard)
@Controller('indices')
export class RelevanceController {
  constructor(private readonly querySets: QuerySets) {}

  @Get(':alias/queries')
  @ApiOperation({
    summary:
      "The alias's query set and where it comes from (`source`): `api` (PUT here; wins), `file` (`<alias>.queries.yaml` beside the definition) or `derived` (`derived: true`: made from documents sampled from the alias, when there is neither); `expanded`: the searches a comparison runs, templates filled",
  })
  @ApiErrorResponses(404)
  get(@Param('alias') alias: string): Promise<QuerySetView> {
    return this.querySets.get(alias);
  }

  @Put(':alias/queries')
  @ApiOperation({
    summary:
      'Store the alias\'s query set, replacing the stored one whole; it overrides the file beside the definition. Named query DSL bodies, optionally with `{{param}}` placeholders and `params` (one search per entry), optionally `ratings` (document id → grade 0..3: a judged query). 400 INVALID_QUERY_SET lists every problem',
  })
  @ApiErrorResponses(400, 404, 413, 415)
  put(@Param('alias') alias: string, @Body() querySet: QuerySetDto): Promise<QuerySetView> {
    return this.querySets.put(alias, querySet);
  }
}
