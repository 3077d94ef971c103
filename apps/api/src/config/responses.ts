import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { CONFIG_STREAMS, DAY_COUNTS, DayCount, EVENT_TYPES } from '@loanflow/domain';
import { Instant, Integer } from '../common/responses';
import { GradeDto, ProvisionRatesDto, RiskPointDto, ScorecardFactorDto, StructureTargetDto, WarningRulesDto } from './dto';

/** A configuration in force: the version it is at, and who changed it last, once someone has. */
export class ConfigVersion {
  @Integer("the configuration stream's version: -1 while the defaults apply")
  version!: number;

  @ApiProperty({ required: false, description: 'who changed it last; absent while the defaults apply' })
  changedBy?: string;

  @Instant('when it was changed last; absent while the defaults apply', { required: false })
  changedAt?: string;
}

@ApiSchema({ description: 'The credit-structure targets the portfolio report compares the mix against; none by default' })
export class StructureTargets extends ConfigVersion {
  @ApiProperty({ type: [StructureTargetDto] })
  targets!: StructureTargetDto[];
}

@ApiSchema({ description: 'The rotation tenure, the inspection interval and the approval committee' })
export class PolicySettings extends ConfigVersion {
  @Integer('a post held longer is flagged for rotation')
  rotationTenureMonths!: number;

  @Integer('an active loan not inspected for longer is flagged')
  inspectionIntervalDays!: number;

  @Integer('approvers on a committee for a loan above every eligible approver’s limit')
  committeeSize!: number;

  @Integer('approvals that carry a committee')
  committeeMajority!: number;
}

export class ScorecardRules {
  @ApiProperty({ type: [ScorecardFactorDto] })
  factors!: ScorecardFactorDto[];

  @ApiProperty({ type: [GradeDto] })
  grades!: GradeDto[];
}

@ApiSchema({ description: 'The rating scorecard in force; none until an administrator sets one' })
export class Scorecard extends ConfigVersion {
  @Integer('0 while none is set, then 1, 2, ...: what ratings and decisions record')
  scorecardVersion!: number;

  @ApiProperty({ type: ScorecardRules, nullable: true })
  scorecard!: ScorecardRules | null;
}

@ApiSchema({ description: 'The risk-point catalogue acts tag; empty until set' })
export class RiskPoints extends ConfigVersion {
  @ApiProperty({ type: [RiskPointDto] })
  points!: RiskPointDto[];
}

@ApiSchema({ description: 'The early-warning rules and the inspection intervals by risk level' })
export class WarningRules extends ConfigVersion {
  @ApiProperty({ type: WarningRulesDto })
  rules!: WarningRulesDto;
}

@ApiSchema({ description: 'The day count of new loans, the penalty surcharge and the provision rates' })
export class MoneyRules extends ConfigVersion {
  @ApiProperty({ enum: DAY_COUNTS })
  dayCount!: Exclude<DayCount, '30/360'>;

  @Integer('penalty rate = contract rate x (1 + surcharge), basis points')
  penaltySurchargeBps!: number;

  @ApiProperty({ type: ProvisionRatesDto })
  provisionRates!: ProvisionRatesDto;
}

export class ConfigChange {
  @ApiProperty({ enum: CONFIG_STREAMS })
  stream!: string;

  @Integer("the change's version in its stream")
  version!: number;

  @ApiProperty({ enum: EVENT_TYPES.config })
  type!: string;

  @ApiProperty()
  changedBy!: string;

  @Instant()
  at!: string;

  @ApiProperty({ type: 'object', additionalProperties: true, description: 'what was set, as the event recorded it' })
  data!: Record<string, unknown>;
}

@ApiSchema({ description: 'Every change to every configuration, oldest first' })
export class ConfigHistory {
  @ApiProperty({ type: [ConfigChange] })
  events!: ConfigChange[];
}
