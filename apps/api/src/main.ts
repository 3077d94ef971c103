import { Logger } from '@nestjs/common';
import { loadConfig } from '@loanflow/config';
import { Storage } from '@loanflow/storage';
import { createApp } from './app';
import { STORAGE } from './common/tokens';

async function bootstrap(): Promise<void> {
  const config = loadConfig();
  const app = await createApp(config);
  await app.listen(config.port, '0.0.0.0');
  const url = `http://localhost:${config.port}`;
  new Logger('loanflow').log(
    [
      `api listening on ${url}`,
      `  dashboard: ${url}/    OpenAPI: ${url}/docs    health: ${url}/health`,
      `  log:       ${app.get<Storage>(STORAGE).describe}`,
      `  tokens:    npm run cli -- token <staffId> [--admin | --auditor]   (secret: ${config.jwtSecretSource})`,
    ].join('\n'),
  );
}

bootstrap().catch((error: Error) => {
  new Logger('loanflow').error(`cannot start: ${error.message}`);
  process.exit(1);
});
