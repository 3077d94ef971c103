import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { businessDate, LoanflowConfig } from '@loanflow/config';
import { requireNotInFuture } from '@loanflow/domain';
import { EventStore } from '@loanflow/event-store';
import {
  complianceReport,
  EndOfDayService,
  loadMoneyRules,
  loadPolicySettings,
  loadRiskPoints,
  loadStructureTargets,
  loadWarningRules,
  listLoans,
  maturityReport,
  performanceReport,
  portfolioReport,
  ProjectionService,
  provisionsReport,
  riskBoard,
  warnings,
  wholeMonths,
} from '@loanflow/projections';
import { ReadModelDb } from '@loanflow/storage';
import { Authorizer } from '../common/authorizer';
import { ApiProblem } from '../common/problems';
import { Ctx, RequestContext } from '../common/request-context';
import { Clock, CLOCK, CONFIG, EVENT_STORE, READ_MODELS } from '../common/tokens';
import {
  ComplianceQuery,
  ListLoansQuery,
  MaturitiesQuery,
  PerformanceQuery,
  PortfolioQuery,
  ProvisionsQuery,
  RiskBoardQuery,
  WarningsQuery,
} from './dto';
import {
  ComplianceReport,
  MaturityReport,
  PerformanceReport,
  PortfolioReport,
  ProvisionsReport,
  RiskBoard,
  WarningsReport,
} from './responses';
import { LoanPage } from '../loans/responses';

/**
 * The read side: loan lists, reports and compliance findings, answered from the read models.
 * In the process that hosts the projections, every answer includes every event recorded before
 * the request; where the worker hosts them, answers lag the log by the worker's delay.
 */
@ApiTags('reports')
@ApiBearerAuth()
@Controller()
export class ReportsController {
  constructor(
    @Inject(READ_MODELS) private readonly db: ReadModelDb,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(CONFIG) private readonly config: LoanflowConfig,
    private readonly authorizer: Authorizer,
    private readonly projections: ProjectionService,
    private readonly endOfDay: EndOfDayService,
  ) {}

  private async readable(ctx: RequestContext, kind: 'Report' | 'Compliance', name: string): Promise<void> {
    await this.authorizer.assert(ctx.actor, 'read', { kind, name });
    await this.projections.ready();
  }

  private today(): string {
    return businessDate(this.clock(), this.config.businessTimeZone);
  }

  /** A report is as of today or a day before: what has not happened cannot be reported (422 DATE_IN_FUTURE). */
  private asOf(asOf: string | undefined): string {
    const today = this.today();
    if (asOf !== undefined) requireNotInFuture(asOf, today, 'asOf');
    return asOf ?? today;
  }

  /** Loans by status, branch, account officer, category or maturity month, newest application first. */
  @Get('loans')
  @ApiOkResponse({ type: LoanPage, description: 'a page of loans, with how many match in all' })
  async list(@Query() q: ListLoansQuery, @Ctx() ctx: RequestContext) {
    await this.readable(ctx, 'Report', 'loans');
    const { page = 1, pageSize = 50, ...filter } = q;
    return listLoans(this.db, filter, page, pageSize);
  }

  /** The month's maturing loans per branch and officer, and the loans overdue at `asOf`. */
  @Get('reports/maturities')
  @ApiOkResponse({ type: MaturityReport, description: 'per branch and officer, the loans maturing in the month; and the loans overdue' })
  async maturities(@Query() q: MaturitiesQuery, @Ctx() ctx: RequestContext) {
    await this.readable(ctx, 'Report', 'maturities');
    return maturityReport(this.db, q.month, this.asOf(q.asOf), q.branchId);
  }

  /** Recovery, interest recovery and new-loan NPL rates per officer (in each post) or branch, with the accountability list. */
  @Get('reports/performance')
  @ApiOkResponse({ type: PerformanceReport, description: 'the rates per group and in total, and the accountability list' })
  async performance(@Query() q: PerformanceQuery, @Ctx() ctx: RequestContext) {
    if (q.from > q.to) throw new ApiProblem(400, 'INVALID_PERIOD', 'Invalid period', `from ${q.from} is after to ${q.to}`);
    if (!wholeMonths(q.from, q.to))
      throw new ApiProblem(
        400,
        'PERIOD_NOT_WHOLE_MONTHS',
        'Assessment periods are whole months',
        `from must be the first day of a month and to the last day of one (a month, a quarter, a year), not ${q.from} to ${q.to}`,
      );
    const today = this.today();
    if (q.from > today)
      throw new ApiProblem(
        422,
        'PERIOD_IN_FUTURE',
        'Period in the future',
        `the period begins on ${q.from}, after today (${today}): nothing in it has happened yet`,
      );
    await this.readable(ctx, 'Report', 'performance');
    const report = await performanceReport(this.db, q.from, q.to, q.groupBy ?? 'officer');
    // A period not over is counted up to the last closed day: classifications are what end of day made them.
    const { lastClosed } = await this.endOfDay.status();
    const current = q.to >= today;
    return { ...report, current, countedThrough: current ? lastClosed : q.to };
  }

  /** The credit structure of the active portfolio against the structure targets, each breach named. */
  @Get('reports/portfolio')
  @ApiOkResponse({ type: PortfolioReport, description: 'the shares by purpose, security, sector, term and size, each breach named' })
  async portfolio(@Query() q: PortfolioQuery, @Ctx() ctx: RequestContext) {
    await this.readable(ctx, 'Report', 'portfolio');
    const { targets } = await loadStructureTargets(this.store);
    return portfolioReport(this.db, targets, q.branchId);
  }

  /**
   * Loan-loss provisions as of a business date: per branch and five-tier category, the loans with a
   * principal balance that day, the balance, the general provision (the general rate on every
   * balance) and the specific one (the category's rate), each rounded half up to the cent on the
   * category's balance; the branches' totals and the whole's. The rates are the money rules in force
   * (`GET /config/money-rules`), named in the answer with that configuration's version.
   */
  @Get('reports/provisions')
  @ApiOkResponse({
    type: ProvisionsReport,
    description:
      "`asOf`; `rates` (basis points: `general` on every balance, and each category's specific rate) and `moneyRulesVersion` they came from (-1: the defaults); `branches`: per branch, `byCategory` (each of the five categories: `loans`, `balance`, `general`, `specific`, `provision`, in cents) and the branch's totals; `total`: the same over the branches, each figure the sum of the branches' (each branch's provision is rounded to the cent once per category). Balances are principal outstanding at the end of `asOf`, each loan in the category it had that day; repaid and written-off loans carry none. A day after today is refused (422 DATE_IN_FUTURE).",
  })
  async provisions(@Query() q: ProvisionsQuery, @Ctx() ctx: RequestContext) {
    await this.readable(ctx, 'Report', 'provisions');
    const asOf = this.asOf(q.asOf);
    const { provisionRates, version } = await loadMoneyRules(this.store);
    return { ...(await provisionsReport(this.db, { asOf, branchId: q.branchId }, provisionRates)), moneyRulesVersion: version };
  }

  /**
   * The risk warning board: every risk point ranked by occurrence rate x loss rate, with the rates'
   * numerators and denominators, and the open warnings by level and severity, gravest first.
   */
  @Get('reports/risk-board')
  @ApiOkResponse({ type: RiskBoard, description: 'the risk points ranked, with the rates’ numerators and denominators; the open warnings' })
  async riskBoard(@Query() q: RiskBoardQuery, @Ctx() ctx: RequestContext) {
    await this.readable(ctx, 'Report', 'risk-board');
    const [{ points }, { rules }] = await Promise.all([loadRiskPoints(this.store), loadWarningRules(this.store)]);
    return riskBoard(this.db, points, rules, { asOf: this.asOf(q.asOf), branchId: q.branchId });
  }

  /** The open warning signals, each with its loan, borrower, officer, recommended action and the borrower's risk level. */
  @Get('reports/warnings')
  @ApiOkResponse({ type: WarningsReport, description: 'the open warnings, counted by level and severity' })
  async warnings(@Query() q: WarningsQuery, @Ctx() ctx: RequestContext) {
    await this.readable(ctx, 'Report', 'warnings');
    const { rules } = await loadWarningRules(this.store);
    return warnings(this.db, rules, { ...q, asOf: this.asOf(q.asOf) });
  }

  /** Policy violations in the whole history, refused attempts, overdue rotations and overdue inspections. */
  @Get('compliance/violations')
  @ApiOkResponse({ type: ComplianceReport, description: 'the findings, counted by kind' })
  async violations(@Query() q: ComplianceQuery, @Ctx() ctx: RequestContext) {
    await this.readable(ctx, 'Compliance', 'violations');
    const { rotationTenureMonths, inspectionIntervalDays } = await loadPolicySettings(this.store);
    return complianceReport(
      this.db,
      { rotationTenureMonths, inspectionIntervalDays },
      { ...q, asOf: this.asOf(q.asOf), timeZone: this.config.businessTimeZone },
    );
  }
}
