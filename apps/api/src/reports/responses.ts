import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import {
  CATEGORIES,
  Category,
  POSTS,
  Post,
  RECOMMENDED_ACTIONS,
  RecommendedAction,
  RISK_LEVELS,
  RISK_POINT_STAGES,
  RiskLevel,
  RiskPointStage,
  SEVERITIES,
  Severity,
  SIGNAL_RULES,
  SignalRule,
  STRUCTURE_DIMENSIONS,
  StructureDimension,
} from '@loanflow/domain';
import type {
  AccountableLoan as Accountable,
  BucketShare as Share,
  ComplianceReport as Compliance,
  Finding as DomainFinding,
  MaturingLoan as Maturing,
  MaturityReport as Maturity,
  OverdueLoan as Overdue,
  PerformanceFigures as Figures,
  PortfolioReport as Portfolio,
  RiskBoard as Board,
  RiskPointFigures as PointFigures,
  Warning as DomainWarning,
  WarningsReport as Warnings,
} from '@loanflow/projections';
import type { CategoryProvision as ByCategory, Provisions as Provided } from '@loanflow/domain';
import { BusinessDate, Cents, Instant, Integer, Rate } from '../common/responses';
import { ProvisionRatesDto, StructureTargetDto } from '../config/dto';

// ---- maturities ----

type Branch = Maturity['branches'][number];
type Officer = Branch['officers'][number];

export class MaturingLoan implements Maturing {
  @ApiProperty()
  loanId!: string;

  @ApiProperty()
  borrowerId!: string;

  @BusinessDate()
  maturityDate!: string;

  @Cents()
  principalOutstanding!: number;

  @Cents()
  interestOutstanding!: number;

  @ApiProperty({ enum: CATEGORIES })
  category!: Category;
}

export class MaturingByOfficer implements Officer {
  @ApiProperty()
  officerId!: string;

  @ApiProperty({ type: [MaturingLoan] })
  loans!: MaturingLoan[];

  @Cents()
  principalOutstanding!: number;
}

export class MaturingByBranch implements Branch {
  @ApiProperty()
  branchId!: string;

  @Integer('loans maturing')
  loans!: number;

  @Cents()
  principalOutstanding!: number;

  @ApiProperty({ type: [MaturingByOfficer] })
  officers!: MaturingByOfficer[];

  @BusinessDate("when the month's reminder was issued to the branch; null before", { nullable: true })
  remindersIssuedOn!: string | null;
}

export class OverdueLoan implements Overdue {
  @ApiProperty()
  loanId!: string;

  @ApiProperty()
  borrowerId!: string;

  @ApiProperty()
  branchId!: string;

  @ApiProperty()
  officerId!: string;

  @Integer('days since the oldest instalment unpaid at `asOf` fell due')
  daysPastDue!: number;

  @BusinessDate()
  oldestDueDate!: string;

  @Cents()
  principalOverdue!: number;

  @Cents()
  interestOverdue!: number;

  @Cents()
  principalOutstanding!: number;

  @ApiProperty({ enum: CATEGORIES })
  category!: Category;
}

@ApiSchema({ description: "The month's maturing loans per branch and officer, and the loans overdue at `asOf`" })
export class MaturityReport implements Maturity {
  @ApiProperty({ pattern: '^\\d{4}-\\d{2}$', example: '2026-03' })
  month!: string;

  @ApiProperty({ type: 'string', nullable: true, description: 'the branch asked for; null for every branch' })
  branchId!: string | null;

  @BusinessDate()
  asOf!: string;

  @ApiProperty({ type: [MaturingByBranch] })
  branches!: MaturingByBranch[];

  @ApiProperty({ type: [OverdueLoan], description: 'longest overdue first' })
  overdue!: OverdueLoan[];
}

// ---- performance ----

export class PerformanceFigures implements Figures {
  @Integer('instalments falling due in the period')
  instalmentsDue!: number;

  @Cents()
  principalDue!: number;

  @Cents('of the principal due, what was repaid by the end of the period')
  principalRecovered!: number;

  @Rate('principalRecovered / principalDue')
  recoveryRate!: number | null;

  @Cents()
  interestDue!: number;

  @Cents()
  interestCollected!: number;

  @Rate('interestCollected / interestDue')
  interestRecoveryRate!: number | null;

  @Integer('loans disbursed in the period')
  newLoans!: number;

  @Cents()
  disbursed!: number;

  @Integer('of them, non-performing now')
  nonPerformingLoans!: number;

  @Cents()
  nonPerformingBalance!: number;

  @Cents()
  writtenOff!: number;

  @Cents('principal recovered since on what was written off')
  recoveredAfterWriteOff!: number;

  @Rate('(nonPerformingBalance + writtenOff - recoveredAfterWriteOff) / disbursed')
  nplRate!: number | null;
}

export class PerformanceRow extends PerformanceFigures {
  @ApiPropertyOptional({ description: 'grouped by branch' })
  branchId?: string;

  @ApiPropertyOptional({ description: 'grouped by officer: who, in which post' })
  staffId?: string;

  @ApiPropertyOptional({ enum: POSTS })
  post?: Post;
}

export class Dissent {
  @ApiProperty({ enum: POSTS })
  post!: Post;

  @ApiProperty()
  by!: string;

  @ApiProperty({ description: 'the event that recorded the doubt' })
  event!: string;

  @Instant()
  at!: string;

  @ApiProperty()
  note!: string;
}

export class AccountableLoan implements Accountable {
  @ApiProperty()
  loanId!: string;

  @ApiProperty()
  borrowerId!: string;

  @ApiProperty()
  branchId!: string;

  @BusinessDate()
  disbursedOn!: string;

  @Cents()
  disbursed!: number;

  @Cents()
  principalOutstanding!: number;

  @ApiProperty({ enum: CATEGORIES })
  category!: Category;

  @Cents()
  writtenOff!: number;

  @Cents('recovered on the written-off claim so far')
  recovered!: number;

  @ApiProperty({ type: [String] })
  investigatedBy!: string[];

  @ApiProperty({ type: [String] })
  examinedBy!: string[];

  @ApiProperty({ type: [String] })
  approvedBy!: string[];

  @ApiProperty({ type: [String] })
  disbursedBy!: string[];

  @ApiProperty({ type: [Dissent], description: 'doubts recorded on the way' })
  dissent!: Dissent[];
}

@ApiSchema({ description: 'The assessment of a period of whole months, per officer (in each post) or per branch' })
export class PerformanceReport {
  @BusinessDate()
  from!: string;

  @BusinessDate()
  to!: string;

  @ApiProperty({ enum: ['officer', 'branch'] })
  groupBy!: 'officer' | 'branch';

  @ApiProperty({ type: [PerformanceRow] })
  rows!: PerformanceRow[];

  @ApiProperty({ type: PerformanceFigures })
  total!: PerformanceFigures;

  @ApiProperty({
    type: [AccountableLoan],
    description: 'every non-performing or written-off loan disbursed in the period, with the people behind it',
  })
  accountability!: AccountableLoan[];

  @ApiProperty({ description: 'whether the period is not over yet' })
  current!: boolean;

  @BusinessDate('the last day counted: a period not over is counted up to the last closed day (null before the first)', {
    nullable: true,
  })
  countedThrough!: string | null;
}

// ---- portfolio ----

export class BucketShare implements Share {
  @ApiProperty({ example: 'agricultural' })
  bucket!: string;

  @Integer()
  loans!: number;

  @Cents('principal outstanding')
  balance!: number;

  @Integer('share of the balance, basis points (10000 = all of it)')
  shareBps!: number;

  @Integer('the target’s minimum, when one is set', { required: false })
  minShareBps?: number;

  @Integer('the target’s maximum, when one is set', { required: false })
  maxShareBps?: number;

  @ApiProperty({ enum: ['below_min', 'above_max'], nullable: true })
  breach!: 'below_min' | 'above_max' | null;
}

export class PortfolioDimensions implements Record<StructureDimension, BucketShare[]> {
  @ApiProperty({ type: [BucketShare], description: 'agricultural, non_agricultural' })
  purpose!: BucketShare[];

  @ApiProperty({ type: [BucketShare] })
  security!: BucketShare[];

  @ApiProperty({ type: [BucketShare] })
  sector!: BucketShare[];

  @ApiProperty({ type: [BucketShare], description: 'short, medium, long' })
  term!: BucketShare[];

  @ApiProperty({ type: [BucketShare], description: 'up_to_50k, 50k_to_200k, 200k_to_1m, over_1m' })
  size!: BucketShare[];
}

export class StructureBreach {
  @ApiProperty({ enum: STRUCTURE_DIMENSIONS })
  dimension!: StructureDimension;

  @ApiProperty()
  bucket!: string;

  @Integer()
  shareBps!: number;

  @Integer(undefined, { required: false })
  minShareBps?: number;

  @Integer(undefined, { required: false })
  maxShareBps?: number;

  @ApiProperty({ enum: ['below_min', 'above_max'] })
  breach!: 'below_min' | 'above_max';

  @ApiProperty({ example: 'purpose agricultural is 42.1% of the balance, below the 60.0% minimum' })
  description!: string;
}

@ApiSchema({ description: 'The credit structure of the active portfolio against the structure targets' })
export class PortfolioReport implements Portfolio {
  @Integer('active loans')
  loans!: number;

  @Cents('principal outstanding')
  balance!: number;

  @ApiProperty({ type: PortfolioDimensions })
  dimensions!: PortfolioDimensions;

  @ApiProperty({ type: [StructureBreach] })
  breaches!: StructureBreach[];

  @ApiProperty({ type: [StructureTargetDto] })
  targets!: StructureTargetDto[];
}

// ---- provisions ----

export class CategoryProvision implements ByCategory {
  @ApiProperty({ enum: CATEGORIES })
  category!: Category;

  @Integer()
  loans!: number;

  @Cents()
  balance!: number;

  @Cents('at the general rate')
  general!: number;

  @Cents('at the category’s rate')
  specific!: number;

  @Cents()
  provision!: number;
}

export class Provisions implements Provided {
  @ApiProperty({ type: [CategoryProvision], description: 'each of the five categories' })
  byCategory!: CategoryProvision[];

  @Integer()
  loans!: number;

  @Cents()
  balance!: number;

  @Cents()
  general!: number;

  @Cents()
  specific!: number;

  @Cents()
  provision!: number;
}

export class BranchProvisions extends Provisions {
  @ApiProperty()
  branchId!: string;
}

@ApiSchema({ description: 'Loan-loss provisions as of a business date, per branch and category, and in total' })
export class ProvisionsReport {
  @BusinessDate()
  asOf!: string;

  @ApiProperty({ type: ProvisionRatesDto })
  rates!: ProvisionRatesDto;

  @ApiProperty({ type: [BranchProvisions] })
  branches!: BranchProvisions[];

  @ApiProperty({ type: Provisions })
  total!: Provisions;

  @Integer('the money rules’ version the rates came from (-1: the defaults)')
  moneyRulesVersion!: number;
}

// ---- warnings and the risk board ----

export class ByLevel implements Record<RiskLevel, number> {
  @Integer()
  green!: number;

  @Integer()
  yellow!: number;

  @Integer()
  orange!: number;

  @Integer()
  red!: number;
}

export class BySeverity implements Record<Severity, number> {
  @Integer()
  low!: number;

  @Integer()
  medium!: number;

  @Integer()
  high!: number;

  @Integer()
  critical!: number;
}

export class Warning implements DomainWarning {
  @ApiProperty()
  loanId!: string;

  @ApiProperty({ example: 'S1' })
  signalId!: string;

  @ApiProperty()
  borrowerId!: string;

  @ApiProperty()
  branchId!: string;

  @ApiProperty()
  officerId!: string;

  @ApiProperty({ enum: SIGNAL_RULES })
  rule!: SignalRule;

  @ApiProperty({ enum: SEVERITIES })
  severity!: Severity;

  @ApiProperty()
  evidence!: string;

  @ApiProperty({ enum: RECOMMENDED_ACTIONS })
  action!: RecommendedAction;

  @ApiProperty()
  raisedBy!: string;

  @BusinessDate()
  raisedOn!: string;

  @ApiProperty({ enum: RISK_LEVELS, description: "the borrower's risk level on `asOf`" })
  level!: RiskLevel;

  @Integer()
  daysPastDue!: number;

  @Cents()
  principalOutstanding!: number;

  @ApiProperty({ enum: CATEGORIES })
  category!: Category;
}

@ApiSchema({ description: 'The warning signals open at the end of `asOf`, gravest first, then oldest' })
export class WarningsReport implements Warnings {
  @BusinessDate()
  asOf!: string;

  @ApiProperty({ type: 'string', nullable: true })
  branchId!: string | null;

  @ApiProperty({ type: 'string', nullable: true })
  officerId!: string | null;

  @ApiProperty({ enum: RISK_LEVELS, nullable: true, description: 'the level asked for; null for every level' })
  level!: RiskLevel | null;

  @ApiProperty({ type: ByLevel, description: 'the warnings listed, by the borrower’s level' })
  byLevel!: ByLevel;

  @ApiProperty({ type: BySeverity })
  bySeverity!: BySeverity;

  @ApiProperty({ type: [Warning] })
  warnings!: Warning[];
}

export class RiskPointFigures implements PointFigures {
  @Integer('1 for the gravest')
  rank!: number;

  @ApiProperty()
  code!: string;

  @ApiProperty({ enum: RISK_POINT_STAGES, nullable: true, description: 'null for a code the catalogue does not list' })
  stage!: RiskPointStage | null;

  @ApiProperty({ type: 'string', nullable: true })
  description!: string | null;

  @ApiProperty({ description: 'false for a code acts tagged that the catalogue does not (or no longer) list' })
  catalogued!: boolean;

  @Integer('loans tagged with the point')
  loans!: number;

  @Integer('of them, paid out')
  disbursedLoans!: number;

  @Integer('of those, gone bad (non-performing or written off)')
  nonPerformingLoans!: number;

  @Rate('nonPerformingLoans / disbursedLoans')
  occurrenceRate!: number | null;

  @Cents('principal paid out on the tagged loans')
  exposure!: number;

  @Cents('of it, written off')
  loss!: number;

  @Rate('loss / exposure')
  lossRate!: number | null;

  @Rate('occurrenceRate x lossRate')
  score!: number | null;

  @Cents('principal still owed on the tagged loans that are active')
  openExposure!: number;
}

export class OpenWarnings {
  @Integer()
  open!: number;

  @ApiProperty({ type: ByLevel })
  byLevel!: ByLevel;

  @ApiProperty({ type: BySeverity })
  bySeverity!: BySeverity;

  @ApiProperty({ type: [Warning], description: 'the gravest ten' })
  top!: Warning[];
}

@ApiSchema({ description: 'Every risk point ranked by occurrence rate x loss rate, and the open warnings' })
export class RiskBoard implements Board {
  @BusinessDate()
  asOf!: string;

  @ApiProperty({ type: 'string', nullable: true })
  branchId!: string | null;

  @ApiProperty({ type: [RiskPointFigures] })
  points!: RiskPointFigures[];

  @ApiProperty({ type: OpenWarnings })
  warnings!: OpenWarnings;
}

// ---- compliance ----

const FINDING_KINDS = ['policy_violation', 'refused_attempt', 'rotation_overdue', 'inspection_overdue'] as const;
type FindingKind = (typeof FINDING_KINDS)[number];

export class Finding implements DomainFinding {
  @ApiProperty({ enum: FINDING_KINDS })
  kind!: FindingKind;

  @ApiProperty({ enum: ['critical', 'high', 'medium'] })
  severity!: 'critical' | 'high' | 'medium';

  @ApiProperty({ example: 'SOD_THREE_POWERS' })
  code!: string;

  @ApiProperty({ type: [String] })
  people!: string[];

  @ApiProperty({ type: 'string', nullable: true })
  loanId!: string | null;

  @ApiProperty({
    type: 'integer',
    isArray: true,
    description: 'positions in the global log of the events involved, the act first; empty for what no event records',
  })
  positions!: number[];

  @ApiProperty({ description: 'the instant of the act or attempt, or the business date a rotation or an inspection fell due' })
  at!: string;

  @ApiProperty()
  detail!: string;
}

export class ComplianceSettings {
  @Integer()
  rotationTenureMonths!: number;

  @Integer()
  inspectionIntervalDays!: number;
}

export class FindingCounts implements Record<FindingKind, number> {
  @Integer()
  policy_violation!: number;

  @Integer()
  refused_attempt!: number;

  @Integer()
  rotation_overdue!: number;

  @Integer()
  inspection_overdue!: number;
}

@ApiSchema({ description: 'Duty-separation findings as of a business date, gravest first' })
export class ComplianceReport implements Compliance {
  @BusinessDate()
  asOf!: string;

  @ApiProperty({ type: ComplianceSettings })
  settings!: ComplianceSettings;

  @ApiProperty({ type: FindingCounts })
  counts!: FindingCounts;

  @ApiProperty({ type: [Finding] })
  findings!: Finding[];
}
