import { ApiProperty, ApiPropertyOptional, PickType } from '@nestjs/swagger';
import {
  CATEGORIES,
  Category,
  DAY_COUNTS,
  DayCount,
  EARLY_REPAYMENTS,
  EarlyRepayment,
  GUARANTEE_KINDS,
  GuaranteeKind,
  REPAYMENT_METHODS,
  RepaymentMethod,
  SECURITIES,
  Security,
} from '@loanflow/domain';
import { Type } from 'class-transformer';
import { IsBoolean, IsDefined, IsIn, IsInt, IsOptional, Matches, Max, Min, ValidateBy, ValidateIf, ValidateNested } from 'class-validator';
import { ID_MESSAGE, ID_PATTERN, IdField, IsInstant, IsIsoDate, LabelsField, TextField } from '../common/validation';

/** Amounts are integer cents up to 10,000,000.00; the schedule's arithmetic stays exact below that. */
const MAX_CENTS = 1_000_000_000;

class TextFields {
  @LabelsField(['purpose-unverified'])
  riskPoints!: string[];
}

export class TermsDto {
  @ApiProperty({ type: 'integer', description: 'cents', example: 5_000_000 })
  @IsInt()
  @Min(1)
  @Max(MAX_CENTS)
  amount!: number;

  @ApiProperty({ type: 'integer', example: 12 })
  @IsInt()
  @Min(1)
  @Max(360)
  termMonths!: number;

  @ApiProperty({ type: 'integer', description: 'basis points a year: 435 is 4.35%', example: 435 })
  @IsInt()
  @Min(0)
  @Max(3_600)
  annualRateBps!: number;

  @ApiPropertyOptional({
    enum: EARLY_REPAYMENTS,
    description: 'what a partial early repayment does to the instalments to come: fewer of them, or lower ones; default shorten_term',
  })
  @IsOptional()
  @IsIn(EARLY_REPAYMENTS)
  earlyRepayment?: EarlyRepayment;

  @ApiPropertyOptional({
    enum: DAY_COUNTS,
    description: "the loan's day count when its product differs from the cooperative's money rules (ACT/360 by default)",
  })
  @IsOptional()
  @IsIn(DAY_COUNTS)
  dayCount?: Exclude<DayCount, '30/360'>;
}

export class ApplyDto extends PickType(TermsDto, ['amount', 'termMonths'] as const) {
  @ApiPropertyOptional({ description: 'chosen by the client, or generated', example: 'L-2026-0001' })
  @IsOptional()
  @Matches(ID_PATTERN, { message: ID_MESSAGE })
  loanId?: string;

  @IdField('B-100')
  borrowerId!: string;

  @IdField('BR-01')
  branchId!: string;

  @TextField(500, 'buy seed and fertiliser')
  purpose!: string;

  @TextField(100, 'grain')
  sector!: string;

  @ApiProperty()
  @IsBoolean()
  agricultural!: boolean;

  @ApiProperty({ enum: SECURITIES })
  @IsIn(SECURITIES)
  security!: Security;

  @ApiProperty({ enum: REPAYMENT_METHODS })
  @IsIn(REPAYMENT_METHODS)
  repayment!: RepaymentMethod;
}

export class InvestigationDto extends TextFields {
  @ApiProperty({ enum: ['approve', 'decline'] })
  @IsIn(['approve', 'decline'])
  recommendation!: 'approve' | 'decline';

  @TextField(4000, 'household income verified with the village committee', 'multiline')
  findings!: string;

  @ApiPropertyOptional({ type: TermsDto, description: 'required when recommending approval' })
  @ValidateIf((o: InvestigationDto) => o.recommendation === 'approve' || o.proposedTerms !== undefined)
  @IsDefined({ message: 'proposedTerms are required when recommending approval' })
  @ValidateNested()
  @Type(() => TermsDto)
  proposedTerms?: TermsDto;

  @ApiPropertyOptional({
    description:
      "the borrower's measured value for each factor of the scorecard in force, by factor code; required once a scorecard is set",
    example: { debt_ratio: 35, income_cover: 180 },
  })
  @IsOptional()
  @ValidateBy({
    name: 'isFactorValues',
    validator: {
      validate: (v: unknown) =>
        typeof v === 'object' &&
        v !== null &&
        !Array.isArray(v) &&
        Object.keys(v).length <= 50 &&
        Object.values(v).every((n) => typeof n === 'number' && Number.isFinite(n)),
      defaultMessage: () => 'rating maps each factor code to a finite number',
    },
  })
  rating?: Record<string, number>;
}

export class ExaminationDto extends TextFields {
  @ApiProperty({ enum: ['pass', 'return', 'reject'] })
  @IsIn(['pass', 'return', 'reject'])
  opinion!: 'pass' | 'return' | 'reject';

  @TextField(4000, 'collateral documents complete', 'multiline')
  comments!: string;
}

export class ApprovalDto {
  @ApiProperty({ enum: ['approve', 'reject'] })
  @IsIn(['approve', 'reject'])
  decision!: 'approve' | 'reject';

  @ApiPropertyOptional({ type: TermsDto, description: 'required when approving' })
  @ValidateIf((o: ApprovalDto) => o.decision === 'approve' || o.terms !== undefined)
  @IsDefined({ message: 'terms are required when approving' })
  @ValidateNested()
  @Type(() => TermsDto)
  terms?: TermsDto;

  @TextField(4000, 'within the branch credit plan', 'multiline')
  comments!: string;

  @LabelsField(['collateral-overvalued'], 'optional')
  riskPoints?: string[];
}

export class DisbursementDto extends PickType(TermsDto, ['amount'] as const) {
  @ApiPropertyOptional({ description: 'business date, never in the future; default today', example: '2026-03-02' })
  @IsOptional()
  @IsIsoDate()
  disbursedOn?: string;

  @LabelsField(['funds-diverted'], 'optional')
  riskPoints?: string[];
}

export class RepaymentDto {
  @ApiProperty({ type: 'integer', description: 'cents', example: 420_000 })
  @IsInt()
  @Min(1)
  @Max(2 * MAX_CENTS)
  amount!: number;

  @ApiPropertyOptional({ description: 'business date, never in the future; default today', example: '2026-04-02' })
  @IsOptional()
  @IsIsoDate()
  paidOn?: string;
}

export class InspectionDto extends TextFields {
  @TextField(4000, 'crop planted as stated', 'multiline')
  findings!: string;

  @LabelsField([])
  signals!: string[];
}

export class ClassificationDto {
  @ApiProperty({ enum: CATEGORIES, description: 'never better than the days-past-due floor' })
  @IsIn(CATEGORIES)
  category!: Category;

  @TextField(2000, 'borrower lost the harvest to flooding; repayment source impaired', 'multiline')
  reason!: string;
}

export class LoanIdParams {
  @IdField()
  id!: string;
}

export class RecoveryDto {
  @ApiProperty({
    description: 'cents received on the written-off claim: principal first, then interest, then penalty interest',
    example: 150_000,
  })
  @IsInt()
  @Min(1)
  @Max(2 * MAX_CENTS)
  amount!: number;

  @ApiPropertyOptional({
    description: 'business date, never in the future, not before the write-off; default today',
    example: '2026-11-20',
  })
  @IsOptional()
  @IsIsoDate()
  recoveredOn?: string;
}

export class LoanQuery {
  @ApiPropertyOptional({ description: 'ISO instant: the loan as the log knew it then', example: '2026-03-01T12:00:00Z' })
  @IsOptional()
  @IsInstant()
  asOf?: string;

  @ApiPropertyOptional({
    description: 'business date the payoff is worked out for (not before the last payment); default today, or the business date of asOf',
    example: '2026-04-15',
  })
  @IsOptional()
  @IsIsoDate()
  on?: string;
}

export class AsOfQuery {
  @ApiPropertyOptional({ description: 'ISO instant: the loan as the log knew it then', example: '2026-03-01T12:00:00Z' })
  @IsOptional()
  @IsInstant()
  asOf?: string;
}

/** The open signals an action deals with: each is resolved by the same act. */
class Resolving {
  @LabelsField(['S1'], 'optional')
  resolves?: string[];
}

export class GuaranteeDto extends Resolving {
  @ApiProperty({ enum: GUARANTEE_KINDS })
  @IsIn(GUARANTEE_KINDS)
  kind!: GuaranteeKind;

  @ApiPropertyOptional({ description: 'for a guarantor: their borrower id', example: 'B-200' })
  @IsOptional()
  @Matches(ID_PATTERN, { message: ID_MESSAGE })
  guarantorId?: string;

  @IsOptional()
  @TextField(500, 'for collateral, what it is: land-use right, 2 mu, Dongshan')
  collateral?: string;

  @ApiProperty({
    type: 'integer',
    description: "cents: the guarantor's vouched amount or the collateral's appraised value",
    example: 3_000_000,
  })
  @IsInt()
  @Min(1)
  @Max(MAX_CENTS)
  value!: number;

  @ApiPropertyOptional({ description: 'for collateral: who appraised it (never the officer adding it)', example: 'APPRAISER-7' })
  @IsOptional()
  @Matches(ID_PATTERN, { message: ID_MESSAGE })
  appraiserId?: string;
}

export class EarlyRecoveryDto extends Resolving {
  @ApiProperty({
    description: 'business date, before maturity, by which the principal owed and the interest due by then are demanded',
    example: '2026-06-30',
  })
  @IsIsoDate()
  dueOn!: string;

  @TextField(2000, 'borrower sold the livestock that secured the loan', 'multiline')
  reason!: string;
}

export class ExtensionDto extends Resolving {
  @ApiProperty({ type: 'integer', description: 'months the maturity moves, at most the original term', example: 6 })
  @IsInt()
  @Min(1)
  @Max(360)
  months!: number;

  @TextField(2000, 'harvest delayed by drought; repayment source intact', 'multiline')
  reason!: string;
}

export class WriteOffDto {
  @TextField(2000, 'borrower deceased; estate exhausted; court ruling attached', 'multiline')
  reason!: string;
}
