/** The api in the bench's own process on a loopback port, with a client that signs its own tokens. */
import { Controller, Get, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { JwtService } from '@nestjs/jwt';
import { NestExpressApplication } from '@nestjs/platform-express';
import { DEFAULT_GROUP_COMMIT_MAX_BATCH } from '@loanflow/config';
import { configureApp } from '../apps/api/src/app';
import { AppModule } from '../apps/api/src/app.module';

const SECRET = 'bench-secret-0123456789abcdef0123456789';

@Controller('bench')
class EmptyController {
  @Get('empty')
  empty() {
    return {};
  }
}

export interface BenchApp {
  app: NestExpressApplication;
  /** A bearer token for the staff id (an administrator's with `admin`). */
  auth(sub: string, admin?: boolean): string;
  /** Sends the request; throws on any answer but 2xx. */
  call(method: string, path: string, who: string, body?: unknown): Promise<unknown>;
  close(): Promise<void>;
}

/** The app on the embedded store at `sqlitePath`, with an empty route `GET /bench/empty` (same guards, pipes and filter). */
export async function benchApp(sqlitePath: string): Promise<BenchApp> {
  @Module({
    imports: [
      AppModule.forRoot({
        port: 0,
        eventStore: 'sqlite',
        sqlitePath,
        groupCommitMaxBatch: DEFAULT_GROUP_COMMIT_MAX_BATCH,
        jwtSecret: SECRET,
        jwtSecretSource: 'bench',
        businessTimeZone: 'Asia/Shanghai',
      }),
    ],
    controllers: [EmptyController],
  })
  class BenchModule {}
  const app = configureApp(await NestFactory.create<NestExpressApplication>(BenchModule, { logger: false }));
  await app.listen(0, '127.0.0.1');
  const base = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
  const jwt = new JwtService();
  return {
    app,
    auth: (sub, admin = false) => `Bearer ${jwt.sign({ sub, ...(admin ? { admin: true } : {}) }, { secret: SECRET, expiresIn: 3600 })}`,
    call: async (method, path, who, body) => {
      const res = await fetch(base + path, {
        method,
        headers: { authorization: who, 'content-type': 'application/json' },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
      if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
      return res.json();
    },
    close: () => app.close(),
  };
}

/** The body of a loan application the bench sends: 50,000 yuan over 12 months, for seed. */
export const application = (loanId: string, borrowerId: string, branchId: string) => ({
  loanId,
  borrowerId,
  branchId,
  purpose: 'seed',
  sector: 'grain',
  agricultural: true,
  security: 'credit',
  amount: 5_000_000,
  termMonths: 12,
  repayment: 'annuity',
});
