/**
 * `npm run bench`: the baseline figures of the embedded store and the HTTP command path.
 *  1. single-event durable commits (SQLite, WAL, synchronous=FULL): appends/s
 *  2. the whole command path apply → investigate → examine → approve → disburse over HTTP,
 *     against an empty route of the same app (same auth, pipes, filter): requests/s and ratio.
 * Loopback only; bounded by count. Prints figures; asserts nothing.
 */
import { Controller, Get, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { JwtService } from '@nestjs/jwt';
import { NestExpressApplication } from '@nestjs/platform-express';
import { DEFAULT_GROUP_COMMIT_MAX_BATCH } from '@loanflow/config';
import { openSqlite, SqliteEventStore } from '@loanflow/event-store';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configureApp } from '../apps/api/src/app';
import { AppModule } from '../apps/api/src/app.module';

const APPENDS = Number(process.env.BENCH_APPENDS ?? 3_000);
const LOANS = Number(process.env.BENCH_LOANS ?? 300);
const EMPTY_REQUESTS = Number(process.env.BENCH_EMPTY ?? 3_000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
const SECRET = 'bench-secret-0123456789abcdef0123456789';

const rate = (n: number, ms: number) => Math.round((n * 1000) / ms);

async function storeAppends(dir: string): Promise<number> {
  const store = new SqliteEventStore(openSqlite(join(dir, 'appends.db')));
  const versions = new Array<number>(100).fill(-1);
  const started = performance.now();
  for (let i = 0; i < APPENDS; i++) {
    const s = i % versions.length;
    await store.append(`loan-${s}`, [{ type: 'RepaymentReceived', data: { loanId: `${s}`, amount: 10_000 + i } }], {
      expectedVersion: versions[s],
      metadata: { actorId: 'bench', commandId: `c-${i}`, correlationId: `c-${i}`, causationId: null, occurredAt: new Date().toISOString() },
    });
    versions[s]++;
  }
  const ms = performance.now() - started;
  await store.close();
  return rate(APPENDS, ms);
}

@Controller('bench')
class EmptyController {
  @Get('empty')
  empty() {
    return {};
  }
}

async function httpPath(dir: string) {
  @Module({
    imports: [
      AppModule.forRoot({
        port: 0,
        eventStore: 'sqlite',
        sqlitePath: join(dir, 'http.db'),
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
  const auth = (sub: string, admin = false) =>
    `Bearer ${jwt.sign({ sub, ...(admin ? { admin: true } : {}) }, { secret: SECRET, expiresIn: 3600 })}`;
  const call = async (method: string, path: string, who: string, body?: unknown) => {
    const res = await fetch(base + path, {
      method,
      headers: { authorization: who, 'content-type': 'application/json' },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    return res.json();
  };
  const admin = auth('root', true);
  const staff: [string, string, number?][] = [
    ['ana', 'investigation'],
    ['bo', 'examination'],
    ['cy', 'approval', 1_000_000_000],
    ['dan', 'disbursement'],
  ];
  for (const [id, post, approvalLimit] of staff) {
    await call('POST', '/staff', admin, { staffId: id, name: id, branchId: 'BR' });
    await call('POST', `/staff/${id}/posts`, admin, { post, branchId: 'BR', ...(approvalLimit ? { approvalLimit } : {}) });
  }
  const [ana, bo, cy, dan] = staff.map(([id]) => auth(id));
  await call('POST', '/borrowers', ana, { borrowerId: 'B', name: 'b', kind: 'household', village: 'v', sector: 'grain' });

  const terms = { amount: 5_000_000, termMonths: 12, annualRateBps: 600 };
  const oneLoan = async (n: number) => {
    const id = `L-${n}`;
    await call('POST', '/loans', ana, {
      loanId: id,
      borrowerId: 'B',
      branchId: 'BR',
      purpose: 'seed',
      sector: 'grain',
      agricultural: true,
      security: 'credit',
      amount: 5_000_000,
      termMonths: 12,
      repayment: 'annuity',
    });
    await call('POST', `/loans/${id}/investigation`, ana, {
      recommendation: 'approve',
      findings: 'ok',
      riskPoints: [],
      proposedTerms: terms,
    });
    await call('POST', `/loans/${id}/examination`, bo, { opinion: 'pass', comments: 'ok', riskPoints: [] });
    await call('POST', `/loans/${id}/approval`, cy, { decision: 'approve', terms, comments: 'ok' });
    await call('POST', `/loans/${id}/disbursement`, dan, { amount: 5_000_000 });
  };
  const inParallel = async (count: number, task: (i: number) => Promise<unknown>) => {
    let next = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < count) await task(next++);
      }),
    );
    return performance.now() - started;
  };
  await inParallel(20, () => call('GET', '/bench/empty', ana)); // warm-up
  const emptyMs = await inParallel(EMPTY_REQUESTS, () => call('GET', '/bench/empty', ana));
  const commandMs = await inParallel(LOANS, (i) => oneLoan(i));
  await app.close();
  return { empty: rate(EMPTY_REQUESTS, emptyMs), commands: rate(LOANS * 5, commandMs), loans: rate(LOANS, commandMs) };
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'loanflow-bench-'));
  try {
    const appends = await storeAppends(dir);
    const http = await httpPath(dir);
    const lines = [
      `loanflow bench  (node ${process.version}, ${CONCURRENCY} concurrent HTTP clients, data in ${dir})`,
      `store   single-event durable commits (SQLite WAL, synchronous=FULL)   ${appends} appends/s   (${APPENDS} appends)`,
      `http    empty route (auth + pipes + filter, no store)               ${http.empty} req/s   (${EMPTY_REQUESTS} requests)`,
      `http    command path apply→investigate→examine→approve→disburse     ${http.commands} commands/s = ${http.loans} loans/s   (${LOANS} loans)`,
      `ratio   command path / empty route                                  ${(http.commands / http.empty).toFixed(3)}`,
      `ratio   command path / store appends                                ${(http.commands / appends).toFixed(3)}`,
    ];
    console.log(lines.join('\n'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

void main();
