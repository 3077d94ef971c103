import { JwtService } from '@nestjs/jwt';
import { existsSync } from 'node:fs';
import { DEFAULT_JWT_MAX_LIFETIME_HOURS, loadConfig, loadStorageConfig } from '@loanflow/config';
import { formatCents, ID_PATTERN } from '@loanflow/domain';
import { EventStore, RecordedEvent, verifyLog, verifyStream } from '@loanflow/event-store';
import { AccessAuditLog, migrateLog, openEndpoint, openStorage } from '@loanflow/storage';
import { READ_MODEL_USAGE, runReadModelCommand } from './read-models';
import { buildDemo, DEMO_USAGE, demoOptions, formatSummary } from './demo';

export interface Io {
  out(line: string): void;
  err(line: string): void;
}

const USAGE = `usage: loanflow <command>
  token <staffId> [--admin] [--auditor] [--hours N]
                                          print a JWT signed with the configured secret (--auditor
                                          reads compliance findings)
  audit <loanId>                          print the loan's timeline and its chain verdict
  verify                                  check every stream's hash chain; exit 1 when any is broken
  denials [--loan <loanId>] [--limit N]   print refused attempts from the access-audit log
  migrate-log --from <store> --to <store>  copy the whole log (ids, versions, positions, times, hashes,
                                          command records, access audit) and verify it; a store is
                                          sqlite:<path> or postgres://user@host/database
${READ_MODEL_USAGE}
${DEMO_USAGE}
environment: EVENT_STORE (sqlite, postgres, eventstoredb), SQLITE_PATH (default ./data/loanflow.db),
  DATABASE_URL, EVENTSTORE_URL, READ_MODEL_URL, JWT_SECRET, JWT_ISSUER, JWT_AUDIENCE`;

/** Opens an existing log only: a mistyped SQLITE_PATH must not pass as an empty, intact one. */
async function withStore<T>(env: NodeJS.ProcessEnv, fn: (store: EventStore, audit: AccessAuditLog) => Promise<T>): Promise<T> {
  const config = loadStorageConfig(env);
  if (config.eventStore === 'sqlite' && !existsSync(config.sqlitePath))
    throw new Error(`no event log at ${config.sqlitePath} (set SQLITE_PATH)`);
  const storage = await openStorage(config, { writes: false });
  try {
    return await fn(storage.eventStore, storage.accessAudit);
  } finally {
    await storage.close();
  }
}

const option = (args: string[], name: string) => {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : undefined;
};

/** The fields a reader of the timeline looks for first, per event type. */
function keyFields(e: RecordedEvent): string {
  const d = e.data as Record<string, unknown>;
  const money = (v: unknown) => (typeof v === 'number' ? formatCents(v) : '');
  const terms = (t: unknown) => {
    const x = t as { amount: number; termMonths: number; annualRateBps: number } | undefined;
    return x ? `${formatCents(x.amount)} for ${x.termMonths} months at ${(x.annualRateBps / 100).toFixed(2)}%` : '';
  };
  switch (e.type) {
    case 'LoanApplied':
      return `borrower ${d.borrowerId}, branch ${d.branchId}, ${money(d.amount)} for ${d.termMonths} months (${d.repayment}, ${d.security})`;
    case 'InvestigationCompleted':
      return `recommends ${d.recommendation}${d.proposedTerms ? `: ${terms(d.proposedTerms)}` : ''}`;
    case 'ExaminationCompleted':
      return `opinion ${d.opinion}`;
    case 'ExaminationReturned':
      return `returned: ${d.comments}`;
    case 'LoanApproved':
      return terms(d.terms);
    case 'LoanRejected':
      return `at ${d.stage}: ${d.reason}`;
    case 'LoanDisbursed':
      return `${money(d.amount)} on ${d.disbursedOn}, matures ${d.maturityDate}`;
    case 'RepaymentReceived':
      return `${money(d.amount)} on ${d.paidOn} (interest ${money(d.interest)}, principal ${money(d.principal)})`;
    case 'InspectionRecorded':
      return `${d.findings}`;
    case 'LoanClosed':
      return `closed on ${d.closedOn}`;
    default:
      return '';
  }
}

export async function run(argv: string[], io: Io, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const [command, ...args] = argv;
  const readModels = await runReadModelCommand(command ?? '', args, io, env);
  if (readModels !== null) return readModels;
  switch (command) {
    case 'token': {
      const staffId = args.find((a) => !a.startsWith('--') && !/^\d+$/.test(a));
      if (!staffId) break;
      if (!ID_PATTERN.test(staffId)) {
        io.err(`${JSON.stringify(staffId)} is no id: 1-64 letters, digits, dots, dashes or underscores`);
        return 2;
      }
      if (args.includes('--admin') && args.includes('--auditor')) {
        io.err("a token is an administrator's or an auditor's, never both");
        return 2;
      }
      const config = loadConfig(env);
      const maxHours = config.jwtMaxLifetimeHours ?? DEFAULT_JWT_MAX_LIFETIME_HOURS;
      const hours = Number(option(args, '--hours') ?? maxHours);
      if (!(hours > 0) || hours > maxHours) {
        io.err(`--hours takes a number of hours above 0 and at most ${maxHours} (JWT_MAX_LIFETIME_HOURS)`);
        return 2;
      }
      const token = await new JwtService().signAsync(
        { sub: staffId, ...(args.includes('--admin') ? { admin: true } : {}), ...(args.includes('--auditor') ? { auditor: true } : {}) },
        {
          secret: config.jwtSecret,
          algorithm: 'HS256',
          expiresIn: Math.round(hours * 3600),
          ...(config.jwtIssuer ? { issuer: config.jwtIssuer } : {}),
          ...(config.jwtAudience ? { audience: config.jwtAudience } : {}),
        },
      );
      io.out(token);
      return 0;
    }
    case 'audit': {
      const [loanId] = args;
      if (!loanId) break;
      return withStore(env, async (store) => {
        const events = await store.readStream(`loan-${loanId}`);
        if (events.length === 0) {
          io.err(`loan ${loanId} has no events`);
          return 1;
        }
        io.out(`loan ${loanId}: ${events.length} events`);
        for (const e of events)
          io.out(`${e.metadata.occurredAt}  v${e.streamVersion}  ${e.metadata.actorId.padEnd(12)} ${e.type.padEnd(24)} ${keyFields(e)}`);
        const verdict = verifyStream(events, (await store.streamHead(`loan-${loanId}`)) ?? undefined);
        io.out(verdict.valid ? `chain: intact (${verdict.events} events, last hash ${events[events.length - 1].hash})` : 'chain: BROKEN');
        for (const b of verdict.breaks) io.out(`  v${b.streamVersion} (position ${b.globalPosition}): ${b.problem}: ${b.detail}`);
        return verdict.valid ? 0 : 1;
      });
    }
    case 'denials':
      return withStore(env, async (_, audit) => {
        const loan = option(args, '--loan');
        const denials = await audit.list({ limit: Number(option(args, '--limit') ?? 1000), ...(loan ? { resourceId: loan } : {}) });
        for (const d of denials)
          io.out(
            `${d.at}  ${d.actorId.padEnd(12)} ${d.action.padEnd(12)} ${`${d.resourceType} ${d.resourceId}`.padEnd(20)} ${d.ruleCode.padEnd(22)} ${d.detail}`,
          );
        io.out(`${denials.length} refused attempts`);
        return 0;
      });
    case 'migrate-log': {
      const [fromSpec, toSpec] = [option(args, '--from'), option(args, '--to')];
      if (!fromSpec || !toSpec) break;
      const source = await openEndpoint(fromSpec, { mustExist: true });
      try {
        const target = await openEndpoint(toSpec, { mustExist: false });
        try {
          const report = await migrateLog(source, target, (copied, head) => io.err(`copied ${copied} events (source head ${head})`));
          io.out(
            `copied ${report.copied} events${report.resumedAt > 0 ? ` (continuing at position ${report.resumedAt})` : ''} ` +
              `and ${report.denialsCopied} refused attempts`,
          );
          io.out(
            report.verdict.valid
              ? `target verified: ${report.verdict.events} events, every chain intact`
              : `target BROKEN: ${report.verdict.breaks.length} breaks`,
          );
          for (const b of report.verdict.breaks) io.out(`BROKEN ${b.streamId} version ${b.streamVersion}: ${b.problem}: ${b.detail}`);
          for (const d of report.differences) io.out(`DIFFERS ${d}`);
          return report.verdict.valid && report.differences.length === 0 ? 0 : 1;
        } finally {
          await target.close();
        }
      } finally {
        await source.close();
      }
    }
    case 'demo': {
      const summary = await buildDemo(demoOptions(args, env), (line) => io.out(line));
      for (const line of formatSummary(summary)) io.out(line);
      return 0;
    }
    case 'verify':
      return withStore(env, async (store) => {
        const verdict = await verifyLog(store);
        if (verdict.valid) {
          io.out(`verified ${verdict.events} events: every chain is intact`);
          return 0;
        }
        io.out(`verified ${verdict.events} events: ${verdict.breaks.length} breaks`);
        for (const b of verdict.breaks)
          io.out(`BROKEN ${b.streamId} version ${b.streamVersion} position ${b.globalPosition ?? '-'}: ${b.problem}: ${b.detail}`);
        return 1;
      });
  }
  io.err(USAGE);
  return 2;
}
