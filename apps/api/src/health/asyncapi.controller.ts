import { Controller, Get, Header } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Public } from '../auth/auth.guard';

/** deploy/asyncapi.yaml, found from here upwards: the same file in the sources, the build and the image. */
function contract(): string {
  for (let dir = __dirname; dir !== dirname(dir); dir = dirname(dir)) {
    const file = join(dir, 'deploy', 'asyncapi.yaml');
    if (existsSync(file)) return readFileSync(file, 'utf8');
  }
  throw new Error(`deploy/asyncapi.yaml not found above ${__dirname}`);
}

@ApiTags('operations')
@Controller('asyncapi')
export class AsyncApiController {
  private readonly document = contract();

  @Public()
  @Get()
  @Header('Content-Type', 'application/yaml; charset=utf-8')
  @ApiOkResponse({ description: 'The AsyncAPI 3 contract of the Kafka topics loanflow publishes' })
  asyncapi(): string {
    return this.document;
  }
}
