import { Body, Controller, Get, Inject, Param, Post, Query } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { loanDecider, NotFound } from '@loanflow/domain';
import { EventStore, verifyStream } from '@loanflow/event-store';
import { loanSubject } from '@loanflow/policy';
import { randomUUID } from 'node:crypto';
import { Accepted, Aggregates } from '../common/aggregates';
import { Authorizer } from '../common/authorizer';
import { Ctx, RequestContext } from '../common/request-context';
import { EVENT_STORE } from '../common/tokens';
import {
  ApplyDto,
  ApprovalDto,
  AsOfQuery,
  ClassificationDto,
  DisbursementDto,
  ExaminationDto,
  InspectionDto,
  InvestigationDto,
  LoanIdParams,
  RepaymentDto,
} from './dto';
import { LoanIntent, RunLoanCommand } from './loans.handler';

@ApiTags('loans')
@ApiBearerAuth()
@Controller('loans')
export class LoansController {
  constructor(
    private readonly commands: CommandBus,
    private readonly aggregates: Aggregates,
    private readonly authorizer: Authorizer,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  /** The loan as it was at `asOf` (or now), once the actor may read it; 404 before it existed. */
  private async readable(id: string, ctx: RequestContext, asOf?: string) {
    const loaded = await this.aggregates.load(`loan-${id}`, loanDecider, asOf);
    if (loaded.state.status === 'none')
      throw new NotFound('LOAN_NOT_FOUND', asOf ? `loan ${id} did not exist at ${asOf}` : `loan ${id} does not exist`);
    await this.authorizer.assert(ctx.actor, 'read', loanSubject(id, loaded.state));
    return loaded;
  }

  private run(loanId: string, intent: LoanIntent, ctx: RequestContext): Promise<Accepted> {
    return this.commands.execute(new RunLoanCommand(loanId, intent, ctx));
  }

  @Post()
  apply(@Body() { loanId, ...application }: ApplyDto, @Ctx() ctx: RequestContext) {
    const id = loanId ?? `L-${randomUUID()}`;
    return this.run(id, { type: 'ApplyForLoan', data: { loanId: id, ...application } }, ctx);
  }

  @Post(':id/investigation')
  investigate(@Param() { id }: LoanIdParams, @Body() body: InvestigationDto, @Ctx() ctx: RequestContext) {
    return this.run(id, { type: 'CompleteInvestigation', data: { ...body } }, ctx);
  }

  @Post(':id/examination')
  examine(@Param() { id }: LoanIdParams, @Body() body: ExaminationDto, @Ctx() ctx: RequestContext) {
    return this.run(id, { type: 'CompleteExamination', data: { ...body } }, ctx);
  }

  @Post(':id/approval')
  approve(@Param() { id }: LoanIdParams, @Body() body: ApprovalDto, @Ctx() ctx: RequestContext) {
    return this.run(id, { type: 'DecideApproval', data: { ...body } }, ctx);
  }

  @Post(':id/disbursement')
  disburse(@Param() { id }: LoanIdParams, @Body() body: DisbursementDto, @Ctx() ctx: RequestContext) {
    return this.run(id, { type: 'DisburseLoan', data: { ...body } }, ctx);
  }

  @Post(':id/repayments')
  repay(@Param() { id }: LoanIdParams, @Body() body: RepaymentDto, @Ctx() ctx: RequestContext) {
    return this.run(id, { type: 'ReceiveRepayment', data: { ...body } }, ctx);
  }

  @Post(':id/inspections')
  inspect(@Param() { id }: LoanIdParams, @Body() body: InspectionDto, @Ctx() ctx: RequestContext) {
    return this.run(id, { type: 'RecordInspection', data: { ...body } }, ctx);
  }

  /** An inspector's classification: worse than the days-past-due floor at will, never better. */
  @Post(':id/classification')
  classify(@Param() { id }: LoanIdParams, @Body() body: ClassificationDto, @Ctx() ctx: RequestContext) {
    return this.run(id, { type: 'ClassifyLoan', data: { ...body } }, ctx);
  }

  /** The loan now, or with `asOf` as the log knew it at that instant. */
  @Get(':id')
  async get(@Param() { id }: LoanIdParams, @Query() { asOf }: AsOfQuery, @Ctx() ctx: RequestContext) {
    const { state, version } = await this.readable(id, ctx, asOf);
    return { ...state, version, ...(asOf ? { asOf } : {}) };
  }

  /** Every event of the loan with its actor, times and hashes, and the verdict on its chain. */
  @Get(':id/history')
  async history(@Param() { id }: LoanIdParams, @Ctx() ctx: RequestContext) {
    const { version, events } = await this.readable(id, ctx);
    return {
      loanId: id,
      version,
      chain: verifyStream(events, (await this.store.streamHead(`loan-${id}`)) ?? undefined),
      events: events.map((e) => ({
        version: e.streamVersion,
        globalPosition: e.globalPosition,
        type: e.type,
        actorId: e.metadata.actorId,
        occurredAt: e.metadata.occurredAt,
        recordedAt: e.metadata.recordedAt,
        commandId: e.metadata.commandId,
        correlationId: e.metadata.correlationId,
        eventId: e.eventId,
        schemaVersion: e.schemaVersion,
        data: e.data,
        prevHash: e.prevHash,
        hash: e.hash,
      })),
    };
  }
}
