import { Body, Controller, Get, Inject, Param, Post, Query } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import {
  Borrower,
  BorrowerIdentity,
  borrowerDecider,
  IllegalState,
  isSealed,
  NotFound,
  Personal,
  StatementFigures,
} from '@loanflow/domain';
import { EventStore, streamHistory } from '@loanflow/event-store';
import { borrowerRisk, loadWarningRules, loansHoldingFile, loansOfBorrower, ProjectionService } from '@loanflow/projections';
import { businessDate, LoanflowConfig } from '@loanflow/config';
import { PersonalDataStore, ReadModelDb } from '@loanflow/storage';
import { Accepted, Aggregates } from '../common/aggregates';
import { Authorizer } from '../common/authorizer';

import { Ctx, RequestContext } from '../common/request-context';
import { Clock, CLOCK, CONFIG, EVENT_STORE, PERSONAL_DATA, READ_MODELS } from '../common/tokens';
import { RunBorrowerCommand } from './borrowers.handler';
import { Borrower as BorrowerFile, BorrowerHistory, PersonalDataReads } from './responses';
import { BorrowerIdParams, ErasureDto, FinancialStatementDto, PersonalDataReadsQuery, RegisterBorrowerDto } from './dto';

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
    @Inject(PERSONAL_DATA) private readonly personalData: PersonalDataStore,
  ) {}

  /**
   * The borrower's personal data, opened from the personal-data store for the person asking, the
   * read audited; null once erased (the key is destroyed again if an erasure on record left it).
   */
  private async personal(state: Borrower, ctx: RequestContext, purpose: string) {
    const subjectId = state.borrowerId!;
    if (state.erasedAt !== null) {
      await this.personalData.erase(subjectId);
      return null;
    }
    await this.personalData.recordRead({ at: this.clock().toISOString(), actorId: ctx.actor.id, subjectId, purpose });
    const open = async <T>(p: Personal<T>) => (isSealed(p) ? this.personalData.open<T>(subjectId, p) : p.clear);
    const identity = state.identity && (await open<BorrowerIdentity>(state.identity));
    const statements = await Promise.all(
      state.statements.map(async ({ personal, ...recorded }) => ({ ...recorded, figures: await open<StatementFigures>(personal) })),
    );
    return identity && { identity, statements };
  }

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
    const { borrowerId, kind, village, sector, registeredBy, registeredAt, ratings } = state;
    const personal = await this.personal(state, ctx, `GET /borrowers/${id}`);
    return {
      borrowerId,
      name: personal?.identity.name ?? null,
      kind,
      village,
      sector,
      identityNumber: personal?.identity.identityNumber ?? null,
      registeredBy,
      registeredAt,
      personalData: personal ? 'available' : 'erased',
      statements: (personal?.statements ?? []).map(({ asOf, figures, recordedBy, at }) => ({ asOf, ...figures!, recordedBy, at })),
      ratings,
      latestRating: ratings.at(-1) ?? null,
      creditHistory: await loansOfBorrower(this.db, id),
      guarantees: { securing: risk.securing, given: risk.given },
      riskLevel: risk.level,
      version,
    };
  }

  /**
   * Erases the borrower's personal data (name, identity number, statements' figures) when the law
   * allows it: none of their loans may still be open or owe anything (a written-off loan is still
   * pursued). The erasure is recorded on the borrower's stream; their key and records are destroyed.
   * The log keeps its references and digests, so every chain still verifies.
   */
  @Post(':id/erasure')
  async erase(@Param() { id }: BorrowerIdParams, @Body() { reason }: ErasureDto, @Ctx() ctx: RequestContext): Promise<Accepted> {
    await this.authorizer.assert(ctx.actor, 'erase', { kind: 'Borrower', borrowerId: id });
    await this.projections.ready();
    const holding = await loansHoldingFile(this.db, id);
    if (holding.length > 0)
      throw new IllegalState(
        'ERASURE_NOT_ALLOWED',
        `borrower ${id}'s personal data must be kept while loans ${holding
          .map((l) => `${l.loanId} (${l.guaranteed ? 'guaranteed by them, ' : ''}${l.status})`)
          .join(', ')} are open`,
      );
    return this.commands.execute(new RunBorrowerCommand(id, { type: 'ErasePersonalData', data: { reason } }, ctx));
  }

  /** Who read the borrower's personal data, when and by which route: for administrators and auditors. */
  @Get(':id/personal-data-reads')
  @ApiOkResponse({ type: PersonalDataReads, description: 'the reads, oldest first' })
  async reads(@Param() { id }: BorrowerIdParams, @Query() { after = 0, limit = 100 }: PersonalDataReadsQuery, @Ctx() ctx: RequestContext) {
    await this.authorizer.assert(ctx.actor, 'read', { kind: 'Compliance', name: 'personal-data-reads' });
    const reads = await this.personalData.reads(id, { afterId: after, limit });
    return { borrowerId: id, reads, next: reads.length === limit ? reads[reads.length - 1].id : null };
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
