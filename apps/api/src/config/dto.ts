import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  DAY_COUNTS,
  DayCount,
  PENALTY_SURCHARGE_RANGE,
  RATING_DIMENSIONS,
  RatingDimension,
  RECOMMENDED_ACTIONS,
  RecommendedAction,
  RISK_POINT_STAGES,
  RiskPointStage,
  SEVERITIES,
  Severity,
  STRUCTURE_DIMENSIONS,
  StructureDimension,
} from '@loanflow/domain';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsDefined,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsNumber,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { SingleLine } from '../common/validation';

export class StructureTargetDto {
  @ApiProperty({ enum: STRUCTURE_DIMENSIONS })
  @IsIn(STRUCTURE_DIMENSIONS)
  dimension!: StructureDimension;

  @ApiProperty({
    description:
      'purpose: agricultural, non_agricultural; security: credit, guaranteed, mortgage, pledge; term: short, medium, long; ' +
      'size: up_to_50k, 50k_to_200k, 200k_to_1m, over_1m; sector: the sector as loans name it',
    example: 'agricultural',
  })
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  @SingleLine()
  bucket!: string;

  @ApiPropertyOptional({ type: 'integer', description: 'basis points of the outstanding balance: 6000 is 60%', example: 6000 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(10_000)
  minShareBps?: number;

  @ApiPropertyOptional({ type: 'integer', description: 'basis points of the outstanding balance', example: 10_000 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(10_000)
  maxShareBps?: number;
}

export class StructureTargetsDto {
  @ApiProperty({ type: [StructureTargetDto], description: 'the whole list: it replaces the targets set before' })
  @IsArray()
  @ArrayMaxSize(200)
  @ValidateNested({ each: true })
  @Type(() => StructureTargetDto)
  targets!: StructureTargetDto[];
}

export class PolicySettingsDto {
  @ApiProperty({ type: 'integer', description: 'a post held longer is flagged for rotation', example: 36 })
  @IsInt()
  @Min(1)
  @Max(240)
  rotationTenureMonths!: number;

  @ApiProperty({ type: 'integer', description: 'an active loan not inspected for longer is flagged', example: 90 })
  @IsInt()
  @Min(1)
  @Max(3_650)
  inspectionIntervalDays!: number;

  @ApiPropertyOptional({
    type: 'integer',
    description: 'approvers on a committee for a loan above every eligible approver’s limit',
    example: 3,
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(15)
  committeeSize?: number;

  @ApiPropertyOptional({ type: 'integer', description: 'approvals that carry a committee: more than half of committeeSize', example: 2 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(15)
  committeeMajority?: number;
}

export class ScoreBandDto {
  @ApiProperty({ description: 'values from here up (to the next band) earn the points', example: 0 })
  @IsNumber({ allowNaN: false, allowInfinity: false })
  from!: number;

  @ApiProperty({ type: 'integer', example: 60 })
  @IsInt()
  @Min(0)
  @Max(100)
  points!: number;
}

export class ScorecardFactorDto {
  @ApiProperty({ example: 'debt_ratio' })
  @Matches(/^[a-z][a-z0-9_]{0,49}$/, { message: 'code is lower-case letters, digits and _' })
  code!: string;

  @ApiProperty({ enum: RATING_DIMENSIONS })
  @IsIn(RATING_DIMENSIONS)
  dimension!: RatingDimension;

  @ApiProperty({ example: 'liabilities as a percent of assets, lower is better' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(500)
  description!: string;

  @ApiProperty({ type: 'integer', description: 'whole percent; all weights add up to 100', example: 20 })
  @IsInt()
  @Min(1)
  @Max(100)
  weight!: number;

  @ApiProperty({ type: [ScoreBandDto] })
  @IsArray()
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Type(() => ScoreBandDto)
  bands!: ScoreBandDto[];
}

export class GradeDto {
  @ApiProperty({ example: 'AA' })
  @Matches(/^[A-Za-z0-9+-]{1,10}$/, { message: 'grade is 1 to 10 letters, digits, + or -' })
  grade!: string;

  @ApiProperty({ example: 80 })
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(100)
  minScore!: number;

  @ApiProperty({ type: 'integer', description: 'cents', example: 50_000_000 })
  @IsInt()
  @Min(1)
  maxAmount!: number;

  @ApiProperty({ type: 'integer', example: 36 })
  @IsInt()
  @Min(1)
  @Max(360)
  maxTermMonths!: number;

  @ApiProperty({ type: 'integer', example: 435 })
  @IsInt()
  @Min(0)
  @Max(3_600)
  minRateBps!: number;

  @ApiProperty({ type: 'integer', example: 900 })
  @IsInt()
  @Min(0)
  @Max(3_600)
  maxRateBps!: number;
}

export class ScorecardDto {
  @ApiProperty({ type: [ScorecardFactorDto], description: 'covering the five dimensions, weights adding up to 100' })
  @IsArray()
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => ScorecardFactorDto)
  factors!: ScorecardFactorDto[];

  @ApiProperty({ type: [GradeDto], description: 'one grade starts at score 0' })
  @IsArray()
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Type(() => GradeDto)
  grades!: GradeDto[];
}

export class RiskPointDto {
  @ApiProperty({ example: 'purpose-unverified' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  @SingleLine()
  code!: string;

  @ApiProperty({ enum: RISK_POINT_STAGES })
  @IsIn(RISK_POINT_STAGES)
  stage!: RiskPointStage;

  @ApiProperty({ example: 'the stated purpose of the loan was not checked on site' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(1000)
  description!: string;
}

export class RiskPointsDto {
  @ApiProperty({ type: [RiskPointDto], description: 'the whole catalogue: it replaces the one set before' })
  @IsArray()
  @ArrayMaxSize(500)
  @ValidateNested({ each: true })
  @Type(() => RiskPointDto)
  points!: RiskPointDto[];
}

class RaisingDto {
  @ApiProperty({ enum: SEVERITIES })
  @IsIn(SEVERITIES)
  severity!: Severity;

  @ApiProperty({ enum: RECOMMENDED_ACTIONS })
  @IsIn(RECOMMENDED_ACTIONS)
  action!: RecommendedAction;
}

class ThresholdDto {
  @ApiProperty({ type: 'integer', example: 31 })
  @IsInt()
  @Min(1)
  days!: number;

  @ApiProperty({ enum: SEVERITIES })
  @IsIn(SEVERITIES)
  severity!: Severity;
}

class LatePaymentDto {
  @ApiProperty({ type: [ThresholdDto] })
  @IsArray()
  @ArrayMaxSize(10)
  @ValidateNested({ each: true })
  @Type(() => ThresholdDto)
  thresholds!: ThresholdDto[];

  @ApiProperty({ enum: RECOMMENDED_ACTIONS })
  @IsIn(RECOMMENDED_ACTIONS)
  action!: RecommendedAction;
}

class MaturityWithOpenSignalsDto extends RaisingDto {
  @ApiProperty({ type: 'integer', example: 30 })
  @IsInt()
  @Min(0)
  @Max(366)
  withinDays!: number;
}

class ConcentrationDto extends RaisingDto {
  @ApiProperty({ type: 'integer', description: 'cents of outstanding principal', example: 100_000_000 })
  @IsInt()
  @Min(0)
  limit!: number;
}

class IntervalsDto {
  @ApiProperty({ type: 'integer', example: 90 })
  @IsInt()
  @Min(1)
  @Max(3_650)
  green!: number;

  @ApiProperty({ type: 'integer', example: 60 })
  @IsInt()
  @Min(1)
  @Max(3_650)
  yellow!: number;

  @ApiProperty({ type: 'integer', example: 30 })
  @IsInt()
  @Min(1)
  @Max(3_650)
  orange!: number;

  @ApiProperty({ type: 'integer', example: 30 })
  @IsInt()
  @Min(1)
  @Max(3_650)
  red!: number;
}

export class WarningRulesDto {
  @ApiProperty({ type: LatePaymentDto })
  @ValidateNested()
  @IsDefined()
  @Type(() => LatePaymentDto)
  latePayment!: LatePaymentDto;

  @ApiProperty({ type: RaisingDto })
  @ValidateNested()
  @IsDefined()
  @Type(() => RaisingDto)
  inspectionOverdue!: RaisingDto;

  @ApiProperty({ type: RaisingDto })
  @ValidateNested()
  @IsDefined()
  @Type(() => RaisingDto)
  inspectionFlagged!: RaisingDto;

  @ApiProperty({ type: RaisingDto })
  @ValidateNested()
  @IsDefined()
  @Type(() => RaisingDto)
  guarantorNonPerforming!: RaisingDto;

  @ApiProperty({ type: MaturityWithOpenSignalsDto })
  @ValidateNested()
  @IsDefined()
  @Type(() => MaturityWithOpenSignalsDto)
  maturityWithOpenSignals!: MaturityWithOpenSignalsDto;

  @ApiProperty({ type: ConcentrationDto })
  @ValidateNested()
  @IsDefined()
  @Type(() => ConcentrationDto)
  borrowerConcentration!: ConcentrationDto;

  @ApiProperty({ type: ConcentrationDto })
  @ValidateNested()
  @IsDefined()
  @Type(() => ConcentrationDto)
  guarantorConcentration!: ConcentrationDto;

  @ApiProperty({ type: IntervalsDto, description: 'days between inspections, by the borrower risk level' })
  @ValidateNested()
  @IsDefined()
  @Type(() => IntervalsDto)
  inspectionIntervalDays!: IntervalsDto;

  @ApiProperty({ type: 'integer', description: 'a rating score below this keeps the borrower at least yellow', example: 60 })
  @IsInt()
  @Min(0)
  @Max(100)
  watchScoreBelow!: number;
}

export class ProvisionRatesDto {
  @ApiProperty({ type: 'integer', description: 'general provision on every balance, basis points', example: 100 })
  @IsInt()
  @Min(0)
  @Max(10_000)
  general!: number;

  @ApiProperty({ type: 'integer', description: 'specific provision on normal loans, basis points', example: 0 })
  @IsInt()
  @Min(0)
  @Max(10_000)
  normal!: number;

  @ApiProperty({ type: 'integer', example: 200 })
  @IsInt()
  @Min(0)
  @Max(10_000)
  special_mention!: number;

  @ApiProperty({ type: 'integer', example: 2_500 })
  @IsInt()
  @Min(0)
  @Max(10_000)
  substandard!: number;

  @ApiProperty({ type: 'integer', example: 5_000 })
  @IsInt()
  @Min(0)
  @Max(10_000)
  doubtful!: number;

  @ApiProperty({ type: 'integer', example: 10_000 })
  @IsInt()
  @Min(0)
  @Max(10_000)
  loss!: number;
}

export class MoneyRulesDto {
  @ApiProperty({
    enum: DAY_COUNTS,
    description: 'the day count new loans accrue interest by: ACT/360 (People’s Bank convention) or ACT/365',
  })
  @IsIn(DAY_COUNTS)
  dayCount!: Exclude<DayCount, '30/360'>;

  @ApiProperty({
    type: 'integer',
    description: 'penalty rate = contract rate x (1 + surcharge); 3000 to 5000 basis points (+30% to +50%)',
    example: 5_000,
  })
  @IsInt()
  @Min(PENALTY_SURCHARGE_RANGE.min)
  @Max(PENALTY_SURCHARGE_RANGE.max)
  penaltySurchargeBps!: number;

  @ApiProperty({ type: ProvisionRatesDto })
  @IsDefined()
  @ValidateNested()
  @Type(() => ProvisionRatesDto)
  provisionRates!: ProvisionRatesDto;
}
