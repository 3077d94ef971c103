import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { BORROWER_KINDS, BorrowerKind } from '@loanflow/domain';
import { IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { IdField, IsIsoDate, SingleLine, TextField } from '../common/validation';

/** Statement amounts are integer cents up to 100,000,000.00 either way. */
const MAX_CENTS = 10_000_000_000;

export class RegisterBorrowerDto {
  @IdField('B-100')
  borrowerId!: string;

  @TextField(200, 'Wang Farm Household')
  name!: string;

  @ApiProperty({ enum: BORROWER_KINDS })
  @IsIn(BORROWER_KINDS)
  kind!: BorrowerKind;

  @TextField(200, 'Dongshan')
  village!: string;

  @TextField(100, 'grain')
  sector!: string;

  @ApiProperty({
    description:
      "household: the head of household's 18-character resident identity number (GB 11643); " +
      'business: its 18-character unified social credit code (GB 32100). Capital letters; the check character is verified.',
    example: '11010519491231002X',
  })
  @IsString()
  @MaxLength(64)
  @SingleLine()
  identityNumber!: string;
}

export class FinancialStatementDto {
  @ApiProperty({ description: 'the date the figures are for, never in the future', example: '2025-12-31' })
  @IsIsoDate()
  asOf!: string;

  @ApiProperty({ type: 'integer', description: 'yearly income, cents', example: 12_000_000 })
  @IsInt()
  @Min(0)
  @Max(MAX_CENTS)
  income!: number;

  @ApiProperty({ type: 'integer', description: 'cents', example: 30_000_000 })
  @IsInt()
  @Min(0)
  @Max(MAX_CENTS)
  assets!: number;

  @ApiProperty({ type: 'integer', description: 'cents', example: 5_000_000 })
  @IsInt()
  @Min(0)
  @Max(MAX_CENTS)
  liabilities!: number;

  @ApiProperty({
    type: 'integer',
    description: 'net yearly cash flow, cents; negative when more goes out than comes in',
    example: -150_000,
  })
  @IsInt()
  @Min(-MAX_CENTS)
  @Max(MAX_CENTS)
  cashFlow!: number;
}

export class BorrowerIdParams {
  @IdField()
  id!: string;
}

export class ErasureDto {
  @TextField(500, 'the borrower asked for erasure on 2026-12-01; all loans closed')
  reason!: string;
}

/** A page of the reads of a borrower's personal data, oldest first: those after `after` (a read's id). */
export class PersonalDataReadsQuery {
  @ApiPropertyOptional({ type: 'integer', default: 0, description: 'the id of the last read already seen' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  after?: number;

  @ApiPropertyOptional({ type: 'integer', default: 100, maximum: 1_000 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1_000)
  limit?: number;
}
