import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { STRUCTURE_DIMENSIONS, StructureDimension } from '@loanflow/domain';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsInt, IsNotEmpty, IsOptional, IsString, Max, MaxLength, Min, ValidateNested } from 'class-validator';

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
  bucket!: string;

  @ApiPropertyOptional({ description: 'basis points of the outstanding balance: 6000 is 60%', example: 6000 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(10_000)
  minShareBps?: number;

  @ApiPropertyOptional({ description: 'basis points of the outstanding balance', example: 10_000 })
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
  @ApiProperty({ description: 'a post held longer is flagged for rotation', example: 36 })
  @IsInt()
  @Min(1)
  @Max(240)
  rotationTenureMonths!: number;

  @ApiProperty({ description: 'an active loan not inspected for longer is flagged', example: 90 })
  @IsInt()
  @Min(1)
  @Max(3_650)
  inspectionIntervalDays!: number;
}
