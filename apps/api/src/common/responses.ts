import { ApiProperty, ApiPropertyOptions } from '@nestjs/swagger';
import type { ChainBreak as Break, ChainVerdict as Verdict, historyEntry } from '@loanflow/event-store';
import type { Post, Rating as DomainRating } from '@loanflow/domain';

/**
 * What the read routes answer, as the OpenAPI document describes it: one class per shape, its
 * fields as the handler builds them. Money is integer cents, business dates YYYY-MM-DD, times ISO
 * instants; a field that can be null says so, and one that can be absent is optional.
 */

type Extra = Omit<ApiPropertyOptions, 'type' | 'description'>;

/** A whole number. */
export const Integer = (description?: string, extra: Extra = {}) =>
  ApiProperty({ type: 'integer', description, ...extra } as ApiPropertyOptions);

/** An amount of money in integer cents. */
export const Cents = (description = 'cents', extra: Extra = {}) => Integer(description, extra);

/** A business date, YYYY-MM-DD in the cooperative's time zone. */
export const BusinessDate = (description?: string, extra: Extra = {}) =>
  ApiProperty({ type: 'string', format: 'date', description, ...extra } as ApiPropertyOptions);

/** An instant, ISO 8601 in UTC. */
export const Instant = (description?: string, extra: Extra = {}) =>
  ApiProperty({ type: 'string', format: 'date-time', description, ...extra } as ApiPropertyOptions);

/** A share with six decimals; null when there is nothing to divide by. */
export const Rate = (description: string) => ApiProperty({ type: 'number', nullable: true, description });

export class ChainBreak implements Break {
  @ApiProperty({ enum: ['hash_mismatch', 'prev_hash_mismatch', 'version_gap', 'position_gap', 'head_mismatch'] })
  problem!: Break['problem'];

  @ApiProperty()
  streamId!: string;

  @Integer()
  streamVersion!: number;

  @Integer('null for a head the store records that the events do not reach', { nullable: true })
  globalPosition!: number | null;

  @ApiProperty()
  detail!: string;
}

export class ChainVerdict implements Verdict {
  @ApiProperty({ description: 'every hash recomputes and links to the one before, up to the head the store recorded' })
  valid!: boolean;

  @Integer('events checked')
  events!: number;

  @ApiProperty({ type: [ChainBreak] })
  breaks!: ChainBreak[];
}

/** One recorded event as an auditor reads it. */
export class HistoryEvent implements ReturnType<typeof historyEntry> {
  @Integer('its version in the stream, from 0')
  version!: number;

  @Integer('its position in the whole log')
  globalPosition!: number;

  @ApiProperty({ description: 'the event type, as the AsyncAPI contract names it', example: 'LoanApproved' })
  type!: string;

  @ApiProperty({ description: 'who acted (`system` for end of day)' })
  actorId!: string;

  @Instant('when the act happened, as the command said')
  occurredAt!: string;

  @Instant('when the store recorded it')
  recordedAt!: string;

  @ApiProperty()
  commandId!: string;

  @ApiProperty()
  correlationId!: string;

  @ApiProperty()
  eventId!: string;

  @Integer()
  schemaVersion!: number;

  @ApiProperty({ type: 'object', additionalProperties: true, description: "the event's data, as the AsyncAPI contract describes it" })
  data!: Record<string, unknown>;

  @ApiProperty()
  prevHash!: string;

  @ApiProperty()
  hash!: string;
}

/** Everyone who acted on a loan, per post. */
export class PeopleByPost implements Record<Post, string[]> {
  @ApiProperty({ type: [String] })
  investigation!: string[];

  @ApiProperty({ type: [String] })
  examination!: string[];

  @ApiProperty({ type: [String] })
  approval!: string[];

  @ApiProperty({ type: [String] })
  disbursement!: string[];

  @ApiProperty({ type: [String] })
  inspection!: string[];
}

type Bounds = DomainRating['bounds'];

export class GradeBounds implements Bounds {
  @Cents('the most a loan of the grade may be')
  maxAmount!: number;

  @Integer()
  maxTermMonths!: number;

  @Integer('basis points a year')
  minRateBps!: number;

  @Integer('basis points a year')
  maxRateBps!: number;
}

export class RatedFactor {
  @ApiProperty()
  code!: string;

  @ApiProperty({ description: 'the measured value' })
  value!: number;

  @Integer('the points the value earned, 0 to 100')
  points!: number;
}

/** A borrower's grade on the scorecard in force at the investigation. */
export class Rating implements DomainRating {
  @Integer()
  scorecardVersion!: number;

  @ApiProperty({ description: '0 to 100, two decimals', example: 72.5 })
  score!: number;

  @ApiProperty({ example: 'A' })
  grade!: string;

  @ApiProperty({ type: GradeBounds })
  bounds!: GradeBounds;

  @ApiProperty({ type: [RatedFactor] })
  factors!: RatedFactor[];
}
