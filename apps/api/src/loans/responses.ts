import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import {
  CATEGORIES,
  Category,
  DayCount,
  EARLY_REPAYMENTS,
  EarlyRepayment,
  EVENT_TYPES,
  GUARANTEE_KINDS,
  GuaranteeKind,
  LOAN_STATUSES,
  POSTS,
  Post,
  RECOMMENDED_ACTIONS,
  RecommendedAction,
  REPAYMENT_METHODS,
  RepaymentMethod,
  SECURITIES,
  Security,
  SEVERITIES,
  Severity,
  SIGNAL_RULES,
  SignalRule,
} from '@loanflow/domain';
import type { Accrual as DomainAccrual, Loan as DomainLoan, Position, ScheduledInstalment, Signal } from '@loanflow/domain';
import type { LoanListItem as ListItem } from '@loanflow/projections';
import { BusinessDate, Cents, ChainVerdict, HistoryEvent, Instant, Integer, PeopleByPost, Rating } from '../common/responses';
import { TermsDto } from './dto';

type Status = Exclude<DomainLoan['status'], 'none'>;
type Requested = NonNullable<DomainLoan['requested']>;
type Disbursed = NonNullable<DomainLoan['disbursement']>;
type Terms = DomainAccrual['terms'];
type Paid = DomainLoan['repaid'];
type Owed = DomainLoan['outstanding'];
type Rejected = NonNullable<DomainLoan['rejection']>;
type Classified = NonNullable<DomainLoan['classification']>;
type Voting = NonNullable<DomainLoan['committee']>;
type Guarantee = DomainLoan['guarantees'][number];
type Extended = NonNullable<DomainLoan['extension']>;
type Demanded = NonNullable<DomainLoan['earlyRecovery']>;
type Claim = NonNullable<DomainLoan['writtenOff']>;

export class RequestedTerms implements Requested {
  @Cents()
  amount!: number;

  @Integer()
  termMonths!: number;

  @ApiProperty({ enum: REPAYMENT_METHODS })
  repayment!: RepaymentMethod;
}

export class LoanAct {
  @ApiProperty({ enum: POSTS })
  post!: Post;

  @ApiProperty()
  by!: string;

  @Instant()
  at!: string;

  @ApiProperty({ enum: EVENT_TYPES.loan, description: 'the event that recorded the act' })
  event!: DomainLoan['acts'][number]['event'];
}

export class Disbursement implements Disbursed {
  @Cents()
  amount!: number;

  @BusinessDate()
  disbursedOn!: string;

  @BusinessDate('moved by an extension')
  maturityDate!: string;

  @ApiProperty({ enum: REPAYMENT_METHODS })
  repayment!: RepaymentMethod;

  @Integer('basis points a year')
  annualRateBps!: number;
}

export class Instalment implements ScheduledInstalment {
  @Integer('1-based')
  n!: number;

  @BusinessDate()
  dueDate!: string;

  @Cents()
  principal!: number;

  @Cents('accrued over the instalment’s period: exact once due, as planned before')
  interest!: number;

  @Cents()
  principalPaid!: number;

  @Cents()
  interestPaid!: number;

  @BusinessDate('the payment that settled it in full; null while anything is owed', { nullable: true })
  settledOn!: string | null;
}

export class InterestTerms implements Terms {
  @Integer('basis points a year')
  annualRateBps!: number;

  @ApiProperty({ enum: ['ACT/360', 'ACT/365', '30/360'], description: '30/360 only on loans scheduled before interest accrued by the day' })
  dayCount!: DayCount;

  @Integer('the penalty rate’s surcharge on the contract rate; null on loans paid out before penalty interest was charged', {
    nullable: true,
  })
  penaltySurchargeBps!: number | null;

  @ApiProperty({ enum: EARLY_REPAYMENTS })
  earlyRepayment!: EarlyRepayment;
}

export class RegularAccrual {
  @BusinessDate()
  from!: string;

  @Cents('accrued on earlier balances of the current period, before `from`')
  before!: number;
}

export class PenaltyAccrual extends RegularAccrual {
  @Cents()
  paid!: number;
}

export class Accrual implements DomainAccrual {
  @ApiProperty({ type: InterestTerms })
  terms!: InterestTerms;

  @ApiProperty({ enum: REPAYMENT_METHODS })
  method!: RepaymentMethod;

  @BusinessDate('the date the figures are struck to: the disbursement’s, then the last payment’s')
  struckOn!: string;

  @ApiProperty({ type: RegularAccrual })
  interest!: RegularAccrual;

  @ApiProperty({ type: PenaltyAccrual, description: 'penalty interest on overdue principal' })
  penalty!: PenaltyAccrual;

  @ApiProperty({ type: PenaltyAccrual, description: 'compound interest on interest due and unpaid' })
  compound!: PenaltyAccrual;
}

export class Repaid implements Paid {
  @Cents()
  principal!: number;

  @Cents()
  interest!: number;

  @Cents()
  penalty!: number;

  @Cents()
  compound!: number;
}

export class Outstanding implements Owed {
  @Cents('principal not repaid')
  principal!: number;

  @Cents('instalment interest not paid (as planned until due)')
  interest!: number;
}

export class Rejection implements Rejected {
  @ApiProperty({ enum: ['investigation', 'examination', 'approval'] })
  stage!: 'investigation' | 'examination' | 'approval';

  @ApiProperty()
  by!: string;

  @ApiProperty()
  reason!: string;
}

export class Classification implements Classified {
  @ApiProperty({ enum: CATEGORIES })
  category!: Category;

  @BusinessDate()
  asOf!: string;

  @Integer()
  daysPastDue!: number;

  @ApiProperty({ description: '`system` at end of day, else the inspector' })
  by!: string;

  @ApiProperty()
  reason!: string;
}

export class CommitteeRule {
  @Integer('approvers on the committee')
  size!: number;

  @Integer('approvals that carry it')
  majority!: number;
}

export class CommitteeVote {
  @ApiProperty()
  approverId!: string;

  @ApiProperty({ enum: ['approve', 'reject'] })
  vote!: 'approve' | 'reject';
}

export class Committee implements Voting {
  @ApiProperty({ type: CommitteeRule })
  rule!: CommitteeRule;

  @ApiProperty({ type: TermsDto, nullable: true, description: 'the terms voted on: the first approving vote sets them' })
  terms!: TermsDto | null;

  @ApiProperty({ type: [CommitteeVote] })
  votes!: CommitteeVote[];
}

export class LoanGuarantee implements Guarantee {
  @ApiProperty({ enum: GUARANTEE_KINDS })
  kind!: GuaranteeKind;

  @ApiPropertyOptional({ description: 'for a guarantor: their borrower id' })
  guarantorId?: string;

  @ApiPropertyOptional({ description: 'for collateral: what it is' })
  collateral?: string;

  @Cents("the guarantor's vouched amount or the collateral's appraised value")
  value!: number;

  @ApiPropertyOptional({ description: 'for collateral: who appraised it' })
  appraiserId?: string;

  @ApiProperty()
  addedBy!: string;

  @BusinessDate()
  addedOn!: string;
}

export class RiskSignal implements Signal {
  @ApiProperty({ example: 'S1' })
  signalId!: string;

  @ApiProperty({ enum: SIGNAL_RULES })
  rule!: SignalRule;

  @ApiProperty({ enum: SEVERITIES })
  severity!: Severity;

  @ApiProperty({ enum: RECOMMENDED_ACTIONS })
  action!: RecommendedAction;

  @ApiProperty()
  evidence!: string;

  @ApiProperty({ description: '`system` at end of day, else the inspector who flagged it' })
  raisedBy!: string;

  @BusinessDate()
  raisedOn!: string;

  @BusinessDate('null while the signal is open', { nullable: true })
  resolvedOn!: string | null;

  @ApiProperty({ type: 'string', nullable: true })
  resolution!: string | null;
}

export class Extension implements Extended {
  @Integer()
  months!: number;

  @BusinessDate()
  previousMaturity!: string;

  @BusinessDate()
  newMaturity!: string;

  @ApiProperty()
  approverId!: string;

  @BusinessDate()
  extendedOn!: string;
}

export class EarlyRecovery implements Demanded {
  @Cents('the principal owed and the interest due by `dueOn`')
  amount!: number;

  @BusinessDate()
  dueOn!: string;

  @BusinessDate()
  demandedOn!: string;

  @ApiProperty()
  demandedBy!: string;
}

export class ClaimRecovered {
  @Cents()
  principal!: number;

  @Cents()
  interest!: number;

  @Cents()
  penalty!: number;
}

export class WrittenOff implements Claim {
  @Cents()
  principal!: number;

  @Cents()
  interest!: number;

  @Cents('penalty and compound interest')
  penalty!: number;

  @BusinessDate()
  writtenOffOn!: string;

  @ApiProperty()
  approvedBy!: string;

  @ApiProperty()
  reason!: string;

  @ApiProperty({ type: ClaimRecovered })
  recovered!: ClaimRecovered;

  @BusinessDate(undefined, { nullable: true })
  lastRecoveredOn!: string | null;
}

@ApiSchema({ description: 'What the loan owes on `on`, in the order a payment settles it, and what paying it all off costs; cents' })
export class Payoff implements Position {
  @BusinessDate()
  on!: string;

  @Cents('penalty interest accrued and unpaid')
  penalty!: number;

  @Cents('compound interest accrued and unpaid')
  compound!: number;

  @Cents('interest fallen due, unpaid')
  interestDue!: number;

  @Cents('principal fallen due, unpaid')
  principalDue!: number;

  @Cents('interest of the current period, to `on`')
  interestAccrued!: number;

  @Cents()
  principalNotDue!: number;

  @Cents('what brings the loan up to date')
  due!: number;

  @Cents('all of it: what paying the loan off on `on` costs')
  payoff!: number;
}

@ApiSchema({ description: 'A loan as its events made it, with the stream version and, while it is active, what paying it off costs' })
export class Loan implements Omit<DomainLoan, 'status'> {
  @ApiProperty({ example: 'L-2026-0001' })
  loanId!: string;

  @ApiProperty({ enum: LOAN_STATUSES })
  status!: Status;

  @ApiProperty()
  borrowerId!: string;

  @ApiProperty()
  branchId!: string;

  @ApiProperty({ description: 'the account officer who took the application' })
  officerId!: string;

  @ApiProperty()
  purpose!: string;

  @ApiProperty()
  sector!: string;

  @ApiProperty()
  agricultural!: boolean;

  @ApiProperty({ enum: SECURITIES })
  security!: Security;

  @ApiProperty({ type: RequestedTerms })
  requested!: RequestedTerms;

  @ApiProperty({ type: TermsDto, nullable: true })
  proposedTerms!: TermsDto | null;

  @ApiProperty({ type: TermsDto, nullable: true })
  approvedTerms!: TermsDto | null;

  @ApiProperty({ type: PeopleByPost, description: 'everyone who acted on the loan, per post' })
  actors!: PeopleByPost;

  @ApiProperty({ type: [LoanAct] })
  acts!: LoanAct[];

  @BusinessDate(undefined, { nullable: true })
  approvedOn!: string | null;

  @ApiProperty({ type: Disbursement, nullable: true })
  disbursement!: Disbursement | null;

  @ApiProperty({ type: [Instalment] })
  schedule!: Instalment[];

  @ApiProperty({ type: Accrual, nullable: true, description: 'the interest terms fixed at disbursement and the running figures' })
  accrual!: Accrual | null;

  @ApiProperty({ type: Repaid })
  repaid!: Repaid;

  @ApiProperty({ type: Outstanding })
  outstanding!: Outstanding;

  @BusinessDate(undefined, { nullable: true })
  lastPaidOn!: string | null;

  @ApiProperty({ type: Rejection, nullable: true })
  rejection!: Rejection | null;

  @BusinessDate(undefined, { nullable: true })
  closedOn!: string | null;

  @ApiProperty({ enum: CATEGORIES })
  category!: Category;

  @ApiProperty({ enum: CATEGORIES, nullable: true, description: 'the last category a person set' })
  manualCategory!: Category | null;

  @ApiProperty({ type: Classification, nullable: true })
  classification!: Classification | null;

  @ApiProperty({ type: Rating, nullable: true, description: 'the borrower’s grade from the investigation, when a scorecard was in force' })
  rating!: Rating | null;

  @ApiProperty({ type: [String], description: 'every risk point any act tagged, in the order first tagged' })
  riskPoints!: string[];

  @ApiProperty({ type: Committee, nullable: true })
  committee!: Committee | null;

  @ApiProperty({ type: [LoanGuarantee] })
  guarantees!: LoanGuarantee[];

  @ApiProperty({ type: [RiskSignal] })
  signals!: RiskSignal[];

  @ApiProperty({ type: Extension, nullable: true })
  extension!: Extension | null;

  @ApiProperty({ type: EarlyRecovery, nullable: true })
  earlyRecovery!: EarlyRecovery | null;

  @ApiProperty({
    type: WrittenOff,
    nullable: true,
    description: 'the claim kept off balance after a write-off, and what was recovered of it',
  })
  writtenOff!: WrittenOff | null;

  @Integer('the stream version: send it back as If-Match')
  version!: number;

  @ApiProperty({ type: Payoff, nullable: true, description: 'for an active loan; null otherwise' })
  payoff!: Payoff | null;

  @Instant('the instant asked for, when the loan is shown as the log knew it then', { required: false })
  asOf?: string;
}

export class LoanSummary implements ListItem {
  @ApiProperty()
  loanId!: string;

  @ApiProperty()
  borrowerId!: string;

  @ApiProperty()
  branchId!: string;

  @ApiProperty()
  officerId!: string;

  @ApiProperty({ enum: LOAN_STATUSES })
  status!: Status;

  @ApiProperty()
  purpose!: string;

  @ApiProperty()
  sector!: string;

  @ApiProperty()
  agricultural!: boolean;

  @ApiProperty({ enum: SECURITIES })
  security!: Security;

  @Cents('disbursed, else approved, else requested')
  amount!: number;

  @Integer()
  termMonths!: number;

  @Integer('basis points a year; null before terms are proposed', { nullable: true })
  annualRateBps!: number | null;

  @BusinessDate()
  appliedOn!: string;

  @BusinessDate(undefined, { nullable: true })
  disbursedOn!: string | null;

  @BusinessDate(undefined, { nullable: true })
  maturityDate!: string | null;

  @Cents()
  principalOutstanding!: number;

  @Cents()
  interestOutstanding!: number;

  @ApiProperty({ enum: CATEGORIES })
  category!: Category;

  @Integer()
  daysPastDue!: number;

  @BusinessDate(undefined, { nullable: true })
  classifiedOn!: string | null;

  @BusinessDate(undefined, { nullable: true })
  lastInspectedOn!: string | null;

  @ApiProperty({ type: PeopleByPost })
  people!: PeopleByPost;

  @Integer()
  version!: number;
}

@ApiSchema({ description: 'A page of loans, newest application first' })
export class LoanPage {
  @ApiProperty({ type: [LoanSummary] })
  items!: LoanSummary[];

  @Integer('loans matching the filters, on every page')
  total!: number;

  @Integer()
  page!: number;

  @Integer()
  pageSize!: number;
}

@ApiSchema({ description: "The loan's events with actor, times and hashes, and the verdict on its chain" })
export class LoanHistory {
  @ApiProperty()
  loanId!: string;

  @Integer()
  version!: number;

  @ApiProperty({ type: ChainVerdict })
  chain!: ChainVerdict;

  @ApiProperty({ type: [HistoryEvent] })
  events!: HistoryEvent[];
}
