import { Body, Controller, Get, Inject, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { borrowerDecider, NotFound } from '@loanflow/domain';
import { EventStore, streamHistory } from '@loanflow/event-store';
import { borrowerRisk, loadWarningRules, loansOfBorrower, ProjectionService } from '@loanflow/projections';
import { businessDate, LoanflowConfig } from '@loanflow/config';
import { ReadModelDb } from '@loanflow/storage';
import { Accepted, Aggregates } from '../common/aggregates';
import { Authorizer } from '../common/authorizer';

import { Ctx, RequestContext } from '../common/request-context';
import { Clock, CLOCK, CONFIG, EVENT_STORE, READ_MODELS } from '../common/tokens';
import { RunBorrowerCommand } from './borrowers.handler';
import { Borrower as BorrowerFile, BorrowerHistory } from './responses';
import { BorrowerIdParams, FinancialStatementDto, RegisterBorrowerDto } from './dto';

@ApiTags('borrowers')
@ApiBearerAuth()
@Controller('borrowers')
export class BorrowersController {
  constructor(
    private readonly commands: CommandBus,
    private readonly aggregates: Aggregates,
    private readonly authorizer: Authorizer,
    private readonly projections: ProjectionService,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(READ_MODELS) private readonly db: ReadModelDb,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(CONFIG) private readonly config: LoanflowConfig,
  ) {}

  /** The borrower's file once the actor may read it; 404 for a borrower nobody registered. */
  private async readable(id: string, ctx: RequestContext) {
    await this.authorizer.assert(ctx.actor, 'read', { kind: 'Borrower', borrowerId: id });
    const loaded = await this.aggregates.load(`borrower-${id}`, borrowerDecider);
    if (loaded.state.borrowerId === null) throw new NotFound('BORROWER_NOT_FOUND', `borrower ${id} is not registered`);
    return loaded;
  }

  @Post()
  register(@Body() { borrowerId, ...registration }: RegisterBorrowerDto, @Ctx() ctx: RequestContext): Promise<Accepted> {
    return this.commands.execute(new RunBorrowerCommand(borrowerId, { type: 'RegisterBorrower', data: registration }, ctx));
  }

  /** A statement of the borrower's finances at a date, one per date; the investigation post's. */
  @Post(':id/financial-statements')
  recordStatement(@Param() { id }: BorrowerIdParams, @Body() body: FinancialStatementDto, @Ctx() ctx: RequestContext): Promise<Accepted> {
    return this.commands.execute(new RunBorrowerCommand(id, { type: 'RecordFinancialStatement', data: { ...body } }, ctx));
  }

  /**
   * The risk file: who the borrower is, their statements and ratings, every loan they applied for,
   * the guarantees securing their loans and those they gave, and their risk level today.
   */
  @Get(':id')
  @ApiOkResponse({ type: BorrowerFile, description: 'the risk file, with the stream version' })
  async get(@Param() { id }: BorrowerIdParams, @Ctx() ctx: RequestContext) {
    // First the system's reactions (a rating put on the file) and the read models, then the file.
    await this.projections.ready();
    const { state, version } = await this.readable(id, ctx);
    const { rules } = await loadWarningRules(this.store);
    const risk = await borrowerRisk(this.db, rules, id, businessDate(this.clock(), this.config.businessTimeZone));
    const { borrowerId, name, kind, village, sector, identityNumber, registeredBy, registeredAt, statements, ratings } = state;
    return {
      borrowerId,
      name,
      kind,
      village,
      sector,
      identityNumber,
      registeredBy,
      registeredAt,
      statements,
      ratings,
      latestRating: ratings.at(-1) ?? null,
      creditHistory: await loansOfBorrower(this.db, id),
      guarantees: { securing: risk.securing, given: risk.given },
      riskLevel: risk.level,
      version,
    };
  }

  /** Every event of the borrower with its actor, times and hashes, and the verdict on its chain. */
  @Get(':id/history')
  @ApiOkResponse({
    type: BorrowerHistory,
    description: 'every event with its actor, times and hashes; `chain` says whether the hashes still hold',
  })
  async history(@Param() { id }: BorrowerIdParams, @Ctx() ctx: RequestContext) {
    const { version, events } = await this.readable(id, ctx);
    return { borrowerId: id, version, ...(await streamHistory(this.store, `borrower-${id}`, events)) };
  }
}
