import { Body, Controller, Get, Inject, Param, Post, Query } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { businessDate, LoanflowConfig } from '@loanflow/config';
import { bookOf, Guarantee, loanDecider, NotFound, positionOn, requireNotBeforeStruck, requireNotInFuture } from '@loanflow/domain';
import { EventStore, streamHistory } from '@loanflow/event-store';
import { loanSubject } from '@loanflow/policy';
import { randomUUID } from 'node:crypto';
import { Accepted, Aggregates } from '../common/aggregates';
import { Authorizer } from '../common/authorizer';

import { Ctx, RequestContext } from '../common/request-context';
import { Clock, CLOCK, CONFIG, EVENT_STORE } from '../common/tokens';
import {
  ApplyDto,
  ApprovalDto,
  ClassificationDto,
  DisbursementDto,
  EarlyRecoveryDto,
  ExaminationDto,
  ExtensionDto,
  GuaranteeDto,
  InspectionDto,
  InvestigationDto,
  LoanIdParams,
  LoanQuery,
  RecoveryDto,
  RepaymentDto,
  WriteOffDto,
} from './dto';
import { LoanIntent, RunLoanCommand } from './loans.handler';
import { Loan, LoanHistory } from './responses';

@ApiTags('loans')
@ApiBearerAuth()
@Controller('loans')
export class LoansController {
  constructor(
    private readonly commands: CommandBus,
    private readonly aggregates: Aggregates,
    private readonly authorizer: Authorizer,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(CONFIG) private readonly config: LoanflowConfig,
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

  /** A guarantor or collateral, adding security to a loan at risk; may resolve open signals. */
  @Post(':id/guarantees')
  addGuarantee(@Param() { id }: LoanIdParams, @Body() { resolves, ...g }: GuaranteeDto, @Ctx() ctx: RequestContext) {
    const guarantee = Object.fromEntries(Object.entries(g).filter(([, v]) => v !== undefined)) as unknown as Guarantee;
    return this.run(id, { type: 'AddGuarantee', data: { guarantee, ...(resolves ? { resolves } : {}) } }, ctx);
  }

  /** Demands the principal owed, with the interest due by then, back before maturity (inspection post). */
  @Post(':id/early-recovery')
  demandEarlyRecovery(@Param() { id }: LoanIdParams, @Body() body: EarlyRecoveryDto, @Ctx() ctx: RequestContext) {
    return this.run(id, { type: 'DemandEarlyRecovery', data: { ...body } }, ctx);
  }

  /** Moves the maturity later, re-approved by an approver other than the loan's. */
  @Post(':id/extension')
  extend(@Param() { id }: LoanIdParams, @Body() body: ExtensionDto, @Ctx() ctx: RequestContext) {
    return this.run(id, { type: 'ExtendLoan', data: { ...body } }, ctx);
  }

  /** Writes a non-performing loan off, approved by someone who held none of the three powers on it. */
  @Post(':id/write-off')
  writeOff(@Param() { id }: LoanIdParams, @Body() body: WriteOffDto, @Ctx() ctx: RequestContext) {
    return this.run(id, { type: 'WriteOffLoan', data: { ...body } }, ctx);
  }

  /** Money received on a written-off loan's claim, recorded by someone independent of its approval. */
  @Post(':id/recoveries')
  recover(@Param() { id }: LoanIdParams, @Body() body: RecoveryDto, @Ctx() ctx: RequestContext) {
    return this.run(id, { type: 'RecordRecovery', data: { ...body } }, ctx);
  }

  /**
   * The loan now, or with `asOf` as the log knew it at that instant; an active loan with what
   * paying it off on `on` (default: that day) would cost, item by item.
   */
  @Get(':id')
  @ApiOkResponse({
    type: Loan,
    description:
      'The loan: status, people and acts, terms, `schedule` (each instalment with `interest` accrued over its period, exact once due, as planned before), `accrual` (the interest terms fixed at disbursement: `dayCount`, `penaltySurchargeBps`, `earlyRepayment`, and the running figures), `repaid` (principal, interest, penalty, compound), `outstanding` (principal not repaid, instalment interest not paid), `writtenOff` (the claim kept off balance and what was recovered), `version`; and `payoff` for an active loan (null otherwise): on `on` (default today, or the business date of `asOf`), in cents, `penalty` and `compound` interest accrued and unpaid, `interestDue` and `principalDue` (fallen due, unpaid), `interestAccrued` (the current period, to that day), `principalNotDue`, `due` (what brings the loan up to date) and `payoff` (all of it: what paying off that day costs). `on` after today is 422 DATE_IN_FUTURE; before the last payment 422 DATE_BEFORE_LAST_PAYMENT.',
  })
  async get(@Param() { id }: LoanIdParams, @Query() { asOf, on }: LoanQuery, @Ctx() ctx: RequestContext) {
    const { state, version } = await this.readable(id, ctx, asOf);
    const day = businessDate(asOf ? new Date(asOf) : this.clock(), this.config.businessTimeZone);
    const quoted = on ?? day;
    requireNotInFuture(quoted, day, 'on');
    let payoff = null;
    if (state.status === 'active') {
      requireNotBeforeStruck(state, quoted, 'on');
      payoff = positionOn(bookOf(state), quoted);
    }
    return { ...state, version, payoff, ...(asOf ? { asOf } : {}) };
  }

  /** Every event of the loan with its actor, times and hashes, and the verdict on its chain. */
  @Get(':id/history')
  @ApiOkResponse({
    type: LoanHistory,
    description: 'every event with its actor, times and hashes; `chain` says whether the hashes still hold',
  })
  async history(@Param() { id }: LoanIdParams, @Ctx() ctx: RequestContext) {
    const { version, events } = await this.readable(id, ctx);
    return { loanId: id, version, ...(await streamHistory(this.store, `loan-${id}`, events)) };
  }
}
