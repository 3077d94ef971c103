import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import {
  BORROWER_KINDS,
  BorrowerKind,
  CATEGORIES,
  Category,
  GUARANTEE_KINDS,
  GuaranteeKind,
  LOAN_STATUSES,
  RISK_LEVELS,
  RiskLevel,
  SECURITIES,
  Security,
} from '@loanflow/domain';
import type { BorrowerLoan, GuaranteeOnFile } from '@loanflow/projections';
import { BusinessDate, Cents, ChainVerdict, HistoryEvent, Instant, Integer, Rating } from '../common/responses';

export class RecordedStatement {
  @BusinessDate('the date the figures are for')
  asOf!: string;

  @Cents('yearly income, cents')
  income!: number;

  @Cents()
  assets!: number;

  @Cents()
  liabilities!: number;

  @Cents('net yearly cash flow, cents; negative when more goes out than comes in')
  cashFlow!: number;

  @ApiProperty()
  recordedBy!: string;

  @Instant()
  at!: string;
}

export class BorrowerRating {
  @ApiProperty({ description: 'the loan whose investigation rated the borrower' })
  loanId!: string;

  @ApiProperty({ type: Rating })
  rating!: Rating;

  @ApiProperty()
  ratedBy!: string;

  @Instant()
  at!: string;
}

export class CreditHistoryLoan implements BorrowerLoan {
  @ApiProperty()
  loanId!: string;

  @ApiProperty({ enum: LOAN_STATUSES })
  status!: (typeof LOAN_STATUSES)[number];

  @ApiProperty()
  branchId!: string;

  @ApiProperty()
  officerId!: string;

  @ApiProperty()
  purpose!: string;

  @ApiProperty({ enum: SECURITIES })
  security!: Security;

  @Cents()
  requestedAmount!: number;

  @Cents(undefined, { nullable: true })
  approvedAmount!: number | null;

  @Cents(undefined, { nullable: true })
  disbursedAmount!: number | null;

  @Integer()
  termMonths!: number;

  @Integer('basis points a year', { nullable: true })
  annualRateBps!: number | null;

  @ApiProperty({ enum: CATEGORIES })
  category!: Category;

  @Integer()
  daysPastDue!: number;

  @Cents()
  principalOutstanding!: number;

  @Cents()
  interestOutstanding!: number;

  @Cents('the claim written off')
  writtenOff!: number;

  @BusinessDate()
  appliedOn!: string;

  @BusinessDate(undefined, { nullable: true })
  approvedOn!: string | null;

  @BusinessDate(undefined, { nullable: true })
  disbursedOn!: string | null;

  @BusinessDate(undefined, { nullable: true })
  maturityDate!: string | null;

  @BusinessDate(undefined, { nullable: true })
  closedOn!: string | null;
}

export class GuaranteeOnLoan implements GuaranteeOnFile {
  @ApiProperty()
  loanId!: string;

  @ApiProperty({ description: 'whose loan it secures' })
  borrowerId!: string;

  @ApiProperty({ enum: GUARANTEE_KINDS })
  kind!: GuaranteeKind;

  @ApiProperty({ type: 'string', nullable: true, description: 'for a guarantor: their borrower id' })
  guarantorId!: string | null;

  @ApiProperty({ type: 'string', nullable: true, description: 'for collateral: what it is' })
  collateral!: string | null;

  @Cents("the guarantor's vouched amount or the collateral's appraised value")
  value!: number;

  @ApiProperty({ type: 'string', nullable: true })
  appraiserId!: string | null;

  @ApiProperty()
  addedBy!: string;

  @BusinessDate()
  addedOn!: string;
}

export class BorrowerGuarantees {
  @ApiProperty({ type: [GuaranteeOnLoan], description: "the guarantees and collateral securing the borrower's loans" })
  securing!: GuaranteeOnLoan[];

  @ApiProperty({ type: [GuaranteeOnLoan], description: "the guarantees the borrower gave for others' loans" })
  given!: GuaranteeOnLoan[];
}

@ApiSchema({
  description: "A borrower's risk file: who they are, their statements and ratings, their loans and guarantees, their risk level today",
})
export class Borrower {
  @ApiProperty({ example: 'B-100' })
  borrowerId!: string;

  @ApiProperty({ type: 'string', nullable: true, description: 'null once the personal data were erased' })
  name!: string | null;

  @ApiProperty({ enum: BORROWER_KINDS })
  kind!: BorrowerKind;

  @ApiProperty()
  village!: string;

  @ApiProperty()
  sector!: string;

  @ApiProperty({
    type: 'string',
    nullable: true,
    description: 'null for a borrower registered before identity numbers were required, or once the personal data were erased',
  })
  identityNumber!: string | null;

  @ApiProperty()
  registeredBy!: string;

  @Instant()
  registeredAt!: string;

  @ApiProperty({ type: [RecordedStatement], description: 'oldest first, by `asOf`' })
  statements!: RecordedStatement[];

  @ApiProperty({ type: [BorrowerRating], description: 'latest last' })
  ratings!: BorrowerRating[];

  @ApiProperty({ type: BorrowerRating, nullable: true })
  latestRating!: BorrowerRating | null;

  @ApiProperty({ type: [CreditHistoryLoan], description: 'every loan the borrower applied for, oldest application first' })
  creditHistory!: CreditHistoryLoan[];

  @ApiProperty({ type: BorrowerGuarantees })
  guarantees!: BorrowerGuarantees;

  @ApiProperty({ enum: RISK_LEVELS, nullable: true, description: 'today; null without an active loan or an open signal' })
  riskLevel!: RiskLevel | null;

  @Integer('the stream version')
  version!: number;

  @ApiProperty({ enum: ['available', 'erased'], description: 'whether the personal data are still held' })
  personalData!: 'available' | 'erased';
}

@ApiSchema({ description: "The borrower's events with actor, times and hashes, and the verdict on its chain" })
export class BorrowerHistory {
  @ApiProperty()
  borrowerId!: string;

  @Integer()
  version!: number;

  @ApiProperty({ type: ChainVerdict })
  chain!: ChainVerdict;

  @ApiProperty({ type: [HistoryEvent] })
  events!: HistoryEvent[];
}

export class PersonalDataRead {
  @ApiProperty({ type: 'integer', description: "the read's id: pass the last one seen as `after` for the next page" })
  id!: number;

  @Instant()
  at!: string;

  @ApiProperty()
  actorId!: string;

  @ApiProperty({ description: 'whose data were read' })
  subjectId!: string;

  @ApiProperty({ description: 'what was read, for whom: the route or command', example: 'GET /borrowers/B-100' })
  purpose!: string;
}

@ApiSchema({ description: "Who read the borrower's personal data, when and by which route, oldest first, a page at a time" })
export class PersonalDataReads {
  @ApiProperty()
  borrowerId!: string;

  @ApiProperty({ type: [PersonalDataRead] })
  reads!: PersonalDataRead[];

  @ApiProperty({ type: 'integer', nullable: true, description: 'the `after` of the next page; null on the last' })
  next!: number | null;
}
