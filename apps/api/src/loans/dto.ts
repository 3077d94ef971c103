import { ApiProperty, ApiPropertyOptional, PickType } from '@nestjs/swagger';
import { CATEGORIES, Category, REPAYMENT_METHODS, RepaymentMethod, SECURITIES, Security } from '@loanflow/domain';
import { Type } from 'class-transformer';
import { IsBoolean, IsDefined, IsIn, IsInt, IsISO8601, IsOptional, Matches, Max, Min, ValidateIf, ValidateNested } from 'class-validator';
import { ID_MESSAGE, ID_PATTERN, IdField, IsIsoDate, LabelsField, TextField } from '../common/validation';

/** Amounts are integer cents up to 10,000,000.00; the schedule's arithmetic stays exact below that. */
const MAX_CENTS = 1_000_000_000;

class TextFields {
  @LabelsField(['purpose-unverified'])
  riskPoints!: string[];
}

export class TermsDto {
  @ApiProperty({ description: 'cents', example: 5_000_000 })
  @IsInt()
  @Min(1)
  @Max(MAX_CENTS)
  amount!: number;

  @ApiProperty({ example: 12 })
  @IsInt()
  @Min(1)
  @Max(360)
  termMonths!: number;

  @ApiProperty({ description: 'basis points a year: 435 is 4.35%', example: 435 })
  @IsInt()
  @Min(0)
  @Max(3_600)
  annualRateBps!: number;
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

  @TextField(4000, 'household income verified with the village committee')
  findings!: string;

  @ApiPropertyOptional({ type: TermsDto, description: 'required when recommending approval' })
  @ValidateIf((o: InvestigationDto) => o.recommendation === 'approve' || o.proposedTerms !== undefined)
  @IsDefined({ message: 'proposedTerms are required when recommending approval' })
  @ValidateNested()
  @Type(() => TermsDto)
  proposedTerms?: TermsDto;
}

export class ExaminationDto extends TextFields {
  @ApiProperty({ enum: ['pass', 'return', 'reject'] })
  @IsIn(['pass', 'return', 'reject'])
  opinion!: 'pass' | 'return' | 'reject';

  @TextField(4000, 'collateral documents complete')
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

  @TextField(4000, 'within the branch credit plan')
  comments!: string;
}

export class DisbursementDto extends PickType(TermsDto, ['amount'] as const) {
  @ApiPropertyOptional({ description: 'business date, never in the future; default today', example: '2026-03-02' })
  @IsOptional()
  @IsIsoDate()
  disbursedOn?: string;
}

export class RepaymentDto {
  @ApiProperty({ description: 'cents', example: 420_000 })
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
  @TextField(4000, 'crop planted as stated')
  findings!: string;

  @LabelsField([])
  signals!: string[];
}

export class ClassificationDto {
  @ApiProperty({ enum: CATEGORIES, description: 'never better than the days-past-due floor' })
  @IsIn(CATEGORIES)
  category!: Category;

  @TextField(2000, 'borrower lost the harvest to flooding; repayment source impaired')
  reason!: string;
}

export class LoanIdParams {
  @IdField()
  id!: string;
}

export class AsOfQuery {
  @ApiPropertyOptional({ description: 'ISO instant: the loan as the log knew it then', example: '2026-03-01T12:00:00Z' })
  @IsOptional()
  @IsISO8601({ strict: true })
  asOf?: string;
}
