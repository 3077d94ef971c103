import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { LoanflowConfig } from '@loanflow/config';
import { AppModule, AppOptions } from './app.module';

/** Builds the whole HTTP app; `main.ts` and the end-to-end tests start exactly this. */
export async function createApp(config: LoanflowConfig, options: AppOptions & { logger?: false } = {}): Promise<INestApplication> {
  // A store that cannot be opened is thrown to the caller (main prints it), not turned into process.exit.
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config, options), {
    abortOnError: false,
    ...(options.logger === false ? { logger: false } : {}),
  });
  return configureApp(app);
}

/** HTTP settings around the module: body limits, ETags, OpenAPI at /docs. */
export function configureApp(app: NestExpressApplication): NestExpressApplication {
  app.disable('x-powered-by');
  // ETags name stream versions (If-Match takes them); Express's body hashes would blur that.
  app.set('etag', false);
  app.useBodyParser('json', { limit: '256kb' });
  app.enableShutdownHooks();
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('loanflow')
      .setDescription('Event-sourced loan workflow with the three powers separated. Errors are RFC 9457 problem+json with a stable code.')
      .setVersion('1')
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('docs', app, document);
  return app;
}
