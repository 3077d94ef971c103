import { INestApplication } from '@nestjs/common';
import { Logger } from 'nestjs-pino';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { SwaggerModule } from '@nestjs/swagger';
import { LoanflowConfig } from '@loanflow/config';
import { existsSync } from 'node:fs';
import { createServer, Server } from 'node:http';
import { join, resolve } from 'node:path';
import { AppModule, AppOptions } from './app.module';
import { Metrics } from './health/health.controller';
import { requireSoundBody } from './common/request-body';
import { openApiDocument } from './openapi';
import { answerScrape } from '@loanflow/operations';

/** Builds the whole HTTP app; `main.ts` and the end-to-end tests start exactly this. */
export async function createApp(config: LoanflowConfig, options: AppOptions & { logger?: false } = {}): Promise<INestApplication> {
  // Replicas of a server-backed deployment seal and open borrowers' personal data with one key: only the embedded default may make its own.
  if (config.eventStore !== 'sqlite' && !config.personalDataKey)
    throw new Error(`EVENT_STORE=${config.eventStore} needs PERSONAL_DATA_KEY (32 random bytes, for example: openssl rand -hex 32)`);
  // A store that cannot be opened is thrown to the caller (main prints it), not turned into process.exit.
  const silent = options.logger === false;
  const app = await NestFactory.create<NestExpressApplication>(
    AppModule.forRoot(config, silent ? { ...options, log: { ...options.log, level: options.log?.level ?? 'silent' } } : options),
    { abortOnError: false, ...(silent ? { logger: false } : { bufferLogs: true }) },
  );
  // The service's own messages go out as the same JSON lines as the request log.
  if (!silent) app.useLogger(app.get(Logger));
  configureApp(app);
  serveDashboard(app, config.dashboardDir ?? DEFAULT_DASHBOARD_DIR);
  return app;
}

/**
 * Prometheus on a port of its own (METRICS_PORT), without a token: for a scraper on a private
 * network, so it listens on loopback unless METRICS_HOST says otherwise. The api's own shutdown
 * ends the process; this listener does not hold it open.
 */
export async function serveMetrics(app: INestApplication, at: { port: number; host: string }): Promise<Server> {
  const registry = app.get(Metrics).registry;
  const server = createServer((req, res) => {
    if (req.method !== 'GET' || req.url !== '/metrics') return void res.writeHead(404).end();
    answerScrape(registry, res);
  });
  await new Promise<void>((resolve) => server.listen(at.port, at.host, resolve));
  server.unref();
  return server;
}

/** Where `npm run build` puts the dashboard, from the directory the service starts in. */
export const DEFAULT_DASHBOARD_DIR = './dist/dashboard';

/**
 * The dashboard's built files at `/`. Its assets carry content hashes, so browsers keep them;
 * the page itself is asked for again each time, so a new build shows at the next load. Without a
 * build, `/` answers 404 DASHBOARD_NOT_BUILT (DashboardController).
 */
export function serveDashboard(app: NestExpressApplication, dir: string): void {
  const root = resolve(dir);
  if (!existsSync(join(root, 'index.html'))) return;
  app.useStaticAssets(root, {
    index: 'index.html',
    setHeaders: (res, path) => {
      const page = path.endsWith('.html');
      res.setHeader('Cache-Control', page ? 'no-cache' : 'public, max-age=31536000, immutable');
      res.setHeader('X-Content-Type-Options', 'nosniff');
      if (page) {
        res.setHeader(
          'Content-Security-Policy',
          "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'",
        );
        res.setHeader('Referrer-Policy', 'no-referrer');
      }
    },
  });
}

/** HTTP settings around the module: body limits, ETags, OpenAPI at /docs. */
export function configureApp(app: NestExpressApplication): NestExpressApplication {
  app.disable('x-powered-by');
  // ETags name stream versions (If-Match takes them); Express's body hashes would blur that.
  app.set('etag', false);
  app.useBodyParser('json', {
    limit: '256kb',
    verify: (_req: unknown, _res: unknown, body: Buffer, encoding: string) => requireSoundBody(body, encoding),
  });
  app.enableShutdownHooks();
  SwaggerModule.setup('docs', app, openApiDocument(app));
  return app;
}
