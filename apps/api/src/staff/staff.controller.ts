import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { NotFound, staffDecider } from '@loanflow/domain';
import { Accepted, Aggregates } from '../common/aggregates';
import { Authorizer } from '../common/authorizer';
import { Ctx, RequestContext } from '../common/request-context';
import { AssignPostDto, DeclareRelationDto, RegisterStaffDto, StaffIdParams, StaffPostParams } from './dto';
import { StaffMember } from './responses';
import { RunStaffCommand } from './staff.handler';

@ApiTags('staff')
@ApiBearerAuth()
@Controller('staff')
export class StaffController {
  constructor(
    private readonly commands: CommandBus,
    private readonly aggregates: Aggregates,
    private readonly authorizer: Authorizer,
  ) {}

  @Post()
  register(@Body() body: RegisterStaffDto, @Ctx() ctx: RequestContext): Promise<Accepted> {
    const { staffId, name, branchId } = body;
    return this.commands.execute(new RunStaffCommand(staffId, { type: 'RegisterStaff', data: { name, branchId } }, ctx));
  }

  @Post(':id/posts')
  assignPost(@Param() { id }: StaffIdParams, @Body() body: AssignPostDto, @Ctx() ctx: RequestContext): Promise<Accepted> {
    return this.commands.execute(new RunStaffCommand(id, { type: 'AssignPost', data: { ...body } }, ctx));
  }

  @Delete(':id/posts/:post')
  @HttpCode(200)
  revokePost(@Param() { id, post }: StaffPostParams, @Ctx() ctx: RequestContext): Promise<Accepted> {
    return this.commands.execute(new RunStaffCommand(id, { type: 'RevokePost', data: { post } }, ctx));
  }

  @Post(':id/relations')
  declareRelation(@Param() { id }: StaffIdParams, @Body() body: DeclareRelationDto, @Ctx() ctx: RequestContext): Promise<Accepted> {
    return this.commands.execute(new RunStaffCommand(id, { type: 'DeclareRelation', data: { ...body } }, ctx));
  }

  @Get(':id')
  @ApiOkResponse({ type: StaffMember, description: 'the record, with the stream version' })
  async get(@Param() { id }: StaffIdParams, @Ctx() ctx: RequestContext) {
    await this.authorizer.assert(ctx.actor, 'read', { kind: 'Staff', staffId: id });
    const { state, version } = await this.aggregates.load(`staff-${id}`, staffDecider);
    if (state.staffId === null) throw new NotFound('STAFF_NOT_FOUND', `staff ${id} is not registered`);
    return { ...state, version };
  }
}
