import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiProperty, ApiPropertyOptional, ApiSchema, ApiTags } from '@nestjs/swagger';
import { BUSINESS_DAYS } from '@loanflow/policy';
import { BusinessDayStatus, EndOfDayService } from '@loanflow/projections';
import { IsOptional } from 'class-validator';
import { Authorizer } from '../common/authorizer';
import { Ctx, RequestContext } from '../common/request-context';
import { BusinessDate, Integer } from '../common/responses';
import { IsIsoDate } from '../common/validation';

export class CloseDaysDto {
  @ApiPropertyOptional({ description: 'the last business date to close; yesterday when absent', example: '2026-03-01' })
  @IsOptional()
  @IsIsoDate()
  through?: string;
}

export class OpenDays {
  @BusinessDate()
  from!: string;

  @BusinessDate()
  to!: string;

  @Integer()
  days!: number;
}

@ApiSchema({ description: 'Where the business days stand' })
export class BusinessDay implements BusinessDayStatus {
  @ApiProperty({ example: 'Asia/Shanghai' })
  timeZone!: string;

  @BusinessDate()
  today!: string;

  @BusinessDate('null before the first day is closed', { nullable: true })
  lastClosed!: string | null;

  @ApiProperty({ type: OpenDays, nullable: true, description: 'the days over and not yet closed, oldest first: what the next run closes' })
  open!: OpenDays | null;
}

/**
 * The cooperative's business days: which one was closed last, which are over and still open; an
 * administrator closes them up to yesterday (in order, each once). The nightly run and the start
 * of the service do the same on their own.
 */
@ApiTags('business day')
@ApiBearerAuth()
@Controller('business-day')
export class BusinessDayController {
  constructor(
    private readonly endOfDay: EndOfDayService,
    private readonly authorizer: Authorizer,
  ) {}

  @Get()
  @ApiOkResponse({
    type: BusinessDay,
    description: "today in the cooperative's time zone, the last day closed and the days over but not yet closed",
  })
  async status(@Ctx() ctx: RequestContext) {
    await this.authorizer.assert(ctx.actor, 'read', { kind: 'Report', name: 'business-day' });
    return this.endOfDay.status();
  }

  @Post('close')
  @HttpCode(200)
  @ApiOkResponse({
    description:
      '`closed`: the days this request closed, oldest first, each with its date and the loans classified, the loans whose signals changed and the branches reminded (none when the day was closed already); then the status as GET answers it',
  })
  async close(@Body() body: CloseDaysDto, @Ctx() ctx: RequestContext) {
    await this.authorizer.assert(ctx.actor, 'configure', { kind: 'Config', configId: BUSINESS_DAYS });
    const closed = await this.endOfDay.closeThrough(body.through);
    return { closed, ...(await this.endOfDay.status()) };
  }
}
