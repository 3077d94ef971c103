import { ApiPropertyOptional, ApiProperty } from '@nestjs/swagger';
import { CATEGORIES, Category, LOAN_STATUSES, RISK_LEVELS, RiskLevel } from '@loanflow/domain';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Matches, Max, Min } from 'class-validator';
import { ID_MESSAGE, ID_PATTERN, IsIsoDate, IsMonth } from '../common/validation';

export class ListLoansQuery {
  @ApiPropertyOptional({ enum: LOAN_STATUSES })
  @IsOptional()
  @IsIn(LOAN_STATUSES)
  status?: string;

  @ApiPropertyOptional({ example: 'BR-01' })
  @IsOptional()
  @Matches(ID_PATTERN, { message: ID_MESSAGE })
  branchId?: string;

  @ApiPropertyOptional({ description: 'the account officer', example: 'ana' })
  @IsOptional()
  @Matches(ID_PATTERN, { message: ID_MESSAGE })
  officerId?: string;

  @ApiPropertyOptional({ enum: CATEGORIES })
  @IsOptional()
  @IsIn(CATEGORIES)
  category?: Category;

  @ApiPropertyOptional({ description: 'loans maturing in this month', example: '2026-03' })
  @IsOptional()
  @IsMonth()
  maturing?: string;

  @ApiPropertyOptional({ description: 'loans whose id or borrower id begins with this', example: 'L-0001' })
  @IsOptional()
  @Matches(ID_PATTERN, { message: ID_MESSAGE })
  search?: string;

  @ApiPropertyOptional({ type: 'integer', default: 1, maximum: 1_000_000 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  page?: number;

  @ApiPropertyOptional({ type: 'integer', default: 50, maximum: 500 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  pageSize?: number;
}

export class MaturitiesQuery {
  @ApiProperty({ example: '2026-03' })
  @IsMonth()
  month!: string;

  @ApiPropertyOptional({ example: 'BR-01' })
  @IsOptional()
  @Matches(ID_PATTERN, { message: ID_MESSAGE })
  branchId?: string;

  @ApiPropertyOptional({ description: 'business date the overdue list is taken at; today by default', example: '2026-03-15' })
  @IsOptional()
  @IsIsoDate()
  asOf?: string;
}

export class PerformanceQuery {
  @ApiProperty({ example: '2026-01-01' })
  @IsIsoDate()
  from!: string;

  @ApiProperty({ example: '2026-06-30' })
  @IsIsoDate()
  to!: string;

  @ApiPropertyOptional({ enum: ['officer', 'branch'], default: 'officer' })
  @IsOptional()
  @IsIn(['officer', 'branch'])
  groupBy?: 'officer' | 'branch';
}

export class PortfolioQuery {
  @ApiPropertyOptional({ example: 'BR-01' })
  @IsOptional()
  @Matches(ID_PATTERN, { message: ID_MESSAGE })
  branchId?: string;
}

export class ProvisionsQuery {
  @ApiPropertyOptional({ description: 'business date the balances and categories are taken at; today by default', example: '2026-03-31' })
  @IsOptional()
  @IsIsoDate()
  asOf?: string;

  @ApiPropertyOptional({ description: 'the one branch to report on; every branch by default', example: 'BR-01' })
  @IsOptional()
  @Matches(ID_PATTERN, { message: ID_MESSAGE })
  branchId?: string;
}

export class ComplianceQuery {
  @ApiPropertyOptional({ description: 'business date; today by default' })
  @IsOptional()
  @IsIsoDate()
  asOf?: string;

  @ApiPropertyOptional({ description: 'findings about this person only' })
  @IsOptional()
  @Matches(ID_PATTERN, { message: ID_MESSAGE })
  staffId?: string;

  @ApiPropertyOptional({ enum: ['critical', 'high', 'medium'] })
  @IsOptional()
  @IsIn(['critical', 'high', 'medium'])
  severity?: 'critical' | 'high' | 'medium';

  @ApiPropertyOptional({ enum: ['policy_violation', 'refused_attempt', 'rotation_overdue', 'inspection_overdue'] })
  @IsOptional()
  @IsIn(['policy_violation', 'refused_attempt', 'rotation_overdue', 'inspection_overdue'])
  kind?: 'policy_violation' | 'refused_attempt' | 'rotation_overdue' | 'inspection_overdue';
}

export class RiskBoardQuery {
  @ApiPropertyOptional({ example: 'BR-01' })
  @IsOptional()
  @Matches(ID_PATTERN, { message: ID_MESSAGE })
  branchId?: string;

  @ApiPropertyOptional({
    description: 'business date the open warnings and their levels are taken at; today by default',
    example: '2026-03-15',
  })
  @IsOptional()
  @IsIsoDate()
  asOf?: string;
}

export class WarningsQuery extends RiskBoardQuery {
  @ApiPropertyOptional({ description: 'the account officer whose loans the warnings are on', example: 'ana' })
  @IsOptional()
  @Matches(ID_PATTERN, { message: ID_MESSAGE })
  officerId?: string;

  @ApiPropertyOptional({ enum: RISK_LEVELS, description: "the borrower's risk level" })
  @IsOptional()
  @IsIn(RISK_LEVELS)
  level?: RiskLevel;
}
