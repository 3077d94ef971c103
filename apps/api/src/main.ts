import { Logger } from '@nestjs/common';
import { loadConfig } from '@loanflow/config';
import { Storage } from '@loanflow/storage';
import { createApp, serveMetrics } from './app';
import { STORAGE } from './common/tokens';

async function bootstrap(): Promise<void> {
  const config = loadConfig();
  const app = await createApp(config);
  await app.listen(config.port, config.host ?? '0.0.0.0');
  const url = `http://${config.host && config.host !== '0.0.0.0' ? config.host : 'localhost'}:${config.port}`;
  const lines = [
    `api listening on ${url}`,
    `  dashboard: ${url}/    OpenAPI: ${url}/docs    health: ${url}/health`,
    `  log:       ${app.get<Storage>(STORAGE).describe}`,
    `  tokens:    npm run cli -- token <staffId> [--admin | --auditor]   (secret: ${config.jwtSecretSource})`,
  ];
  if (config.metrics) {
    await serveMetrics(app, config.metrics);
    lines.push(
      `  metrics:   http://${config.metrics.host}:${config.metrics.port}/metrics (no token; ${url}/metrics needs an administrator's or auditor's)`,
    );
  }
  // Where to go, for the person who started it (standard error); the log on standard output stays one JSON object a line.
  process.stderr.write(`${lines.join('\n')}\n`);
  new Logger('loanflow').log(`api listening on ${url}`);
}

bootstrap().catch((error: Error) => {
  new Logger('loanflow').error(`cannot start: ${error.message}`);
  process.exit(1);
});
