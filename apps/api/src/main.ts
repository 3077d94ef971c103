import { Logger } from '@nestjs/common';
import { loadConfig } from '@loanflow/config';
import { resolve } from 'node:path';
import { createApp } from './app';

async function bootstrap(): Promise<void> {
  const config = loadConfig();
  const app = await createApp(config);
  await app.listen(config.port, '0.0.0.0');
  const url = `http://localhost:${config.port}`;
  new Logger('loanflow').log(
    [
      `api listening on ${url}`,
      `  OpenAPI:  ${url}/docs    health: ${url}/health`,
      `  log:      ${resolve(config.sqlitePath)} (SQLite, WAL, synchronous=FULL)`,
      `  tokens:   npm run cli -- token <staffId> [--admin]   (secret: ${config.jwtSecretSource})`,
    ].join('\n'),
  );
}

void bootstrap();
