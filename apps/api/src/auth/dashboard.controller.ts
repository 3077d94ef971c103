import { Controller, Get } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { ApiProblem } from '../common/problems';
import { Public } from './auth.guard';

/** Reached only when no dashboard build is there to serve `/` (see serveDashboard). */
@ApiExcludeController()
@Public()
@Controller()
export class DashboardController {
  @Get()
  missing(): never {
    throw new ApiProblem(404, 'DASHBOARD_NOT_BUILT', 'The dashboard is not built', 'run npm run build, then start the service again');
  }
}
