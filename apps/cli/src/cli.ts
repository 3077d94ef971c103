import { JwtService } from '@nestjs/jwt';
import { existsSync } from 'node:fs';
import { DEFAULT_JWT_MAX_LIFETIME_HOURS, loadConfig, loadStorageConfig } from '@loanflow/config';
import { formatCents, ID_PATTERN } from '@loanflow/domain';
import { EventStore, RecordedEvent, systemClock, verifyLog, verifyStream } from '@loanflow/event-store';
import { AccessAuditLog, migrateLog, openEndpoint, openStorage, personalDataKeyFor } from '@loanflow/storage';
import { READ_MODEL_USAGE, runReadModelCommand } from './read-models';
import { buildDemo, DEMO_COMMAND, demoOptions, formatSummary } from './demo';
import { CommandSpec, parseCommand, Parsed, required, stringFlag, UsageError, wholeNumberFlag } from './flags';

export interface Io {
  out(line: string): void;
  err(line: string): void;
}

/** The commands of this file, with their flags; the read-model commands and the demo bring their own. */
const COMMANDS: Record<string, CommandSpec> = {
  token: {
    usage: `  token <staffId> [--admin] [--auditor] [--hours N]
                                          print a JWT signed with the configured secret (--auditor
                                          reads compliance findings)`,
    options: { admin: { type: 'boolean' }, auditor: { type: 'boolean' }, hours: { type: 'string' } },
    positionals: { min: 1, max: 1, names: 'a staff id' },
  },
  audit: {
    usage: `  audit <loanId>                          print the loan's timeline and its chain verdict`,
    positionals: { min: 1, max: 1, names: 'a loan id' },
  },
  verify: { usage: `  verify                                  check every stream's hash chain; exit 1 when any is broken` },
  denials: {
    usage: `  denials [--loan <loanId>] [--limit N]   print refused attempts from the access-audit log`,
    options: { loan: { type: 'string' }, limit: { type: 'string' } },
  },
  'migrate-log': {
    usage: `  migrate-log --from <store> --to <store> [--seal-personal-data]
                                          copy the whole log (ids, versions, positions, times, hashes,
                                          command records, access audit, sealed personal data) and
                                          verify it; a store is sqlite:<path> or postgres://user@host/database.
                                          --seal-personal-data: the source was recorded with borrowers'
                                          personal data in clear; seal them on the way (into an empty target)`,
    options: { from: { type: 'string' }, to: { type: 'string' }, 'seal-personal-data': { type: 'boolean' } },
  },
  demo: DEMO_COMMAND,
};

const USAGE = `usage: loanflow <command> [--help]
${['token', 'audit', 'verify', 'denials', 'migrate-log'].map((c) => COMMANDS[c].usage).join('\n')}
${READ_MODEL_USAGE}
${DEMO_COMMAND.usage}
environment: EVENT_STORE (sqlite, postgres, eventstoredb), SQLITE_PATH (default ./data/loanflow.db),
  DATABASE_URL, EVENTSTORE_URL, READ_MODEL_URL, JWT_SECRET, JWT_ISSUER, JWT_AUDIENCE`;

/** Opens an existing log only: a mistyped SQLITE_PATH must not pass as an empty, intact one. */
async function withStore<T>(env: NodeJS.ProcessEnv, fn: (store: EventStore, audit: AccessAuditLog) => Promise<T>): Promise<T> {
  const config = loadStorageConfig(env);
  if (config.eventStore === 'sqlite' && !existsSync(config.sqlitePath))
    throw new Error(`no event log at ${config.sqlitePath} (set SQLITE_PATH)`);
  const storage = await openStorage(config, { clock: systemClock, writes: false });
  try {
    return await fn(storage.eventStore, storage.accessAudit);
  } finally {
    await storage.close();
  }
}

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
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
    (command === undefined ? io.err : io.out)(USAGE);
    return command === undefined ? 2 : 0;
  }
  try {
    const readModels = await runReadModelCommand(command, args, io, env);
    if (readModels !== null) return readModels;
    const spec = COMMANDS[command];
    if (!spec) throw new UsageError(`no command ${command}\n${USAGE}`);
    const { values, positionals, help } = parseCommand(command, spec, args);
    if (help) {
      io.out(spec.usage);
      return 0;
    }
    return await runCommand(command, args, values, positionals, io, env);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.err(error.message);
    return 2;
  }
}

async function runCommand(
  command: string,
  args: string[],
  values: Parsed['values'],
  positionals: string[],
  io: Io,
  env: NodeJS.ProcessEnv,
): Promise<number> {
  switch (command) {
    case 'token': {
      const [staffId] = positionals;
      if (!ID_PATTERN.test(staffId))
        throw new UsageError(`${JSON.stringify(staffId)} is no id: 1-64 letters, digits, dots, dashes or underscores`);
      if (values.admin && values.auditor) throw new UsageError("a token is an administrator's or an auditor's, never both");
      const config = loadConfig(env);
      const maxHours = config.jwtMaxLifetimeHours ?? DEFAULT_JWT_MAX_LIFETIME_HOURS;
      const hours = Number(stringFlag(values, 'hours') ?? maxHours);
      if (!(hours > 0) || hours > maxHours)
        throw new UsageError(`--hours takes a number of hours above 0 and at most ${maxHours} (JWT_MAX_LIFETIME_HOURS)`);
      const token = await new JwtService().signAsync(
        { sub: staffId, ...(values.admin ? { admin: true } : {}), ...(values.auditor ? { auditor: true } : {}) },
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
      const [loanId] = positionals;
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
    case 'denials': {
      const loan = stringFlag(values, 'loan');
      const limit = wholeNumberFlag(values, 'limit', 1, 1_000_000, 1000);
      return withStore(env, async (_, audit) => {
        const denials = await audit.list({ limit, ...(loan ? { resourceId: loan } : {}) });
        for (const d of denials)
          io.out(
            `${d.at}  ${d.actorId.padEnd(12)} ${d.action.padEnd(12)} ${`${d.resourceType} ${d.resourceId}`.padEnd(20)} ${d.ruleCode.padEnd(22)} ${d.detail}`,
          );
        io.out(`${denials.length} refused attempts`);
        return 0;
      });
    }
    case 'migrate-log': {
      const fromSpec = required(stringFlag(values, 'from'), 'from');
      const toSpec = required(stringFlag(values, 'to'), 'to');
      const sealPersonalData = values['seal-personal-data'] === true;
      const personalDataKey = personalDataKeyFor(fromSpec, env.PERSONAL_DATA_KEY);
      const source = await openEndpoint(fromSpec, {
        mustExist: true,
        personalDataKey,
        clearPersonalData: sealPersonalData ? 'allow' : 'refuse',
      });
      try {
        const target = await openEndpoint(toSpec, { mustExist: false, personalDataKey });
        try {
          const report = await migrateLog(source, target, (copied, head) => io.err(`copied ${copied} events (source head ${head})`), {
            sealPersonalData,
          });
          io.out(
            `copied ${report.copied} events${report.resumedAt > 0 ? ` (continuing at position ${report.resumedAt})` : ''}, ` +
              `${report.denialsCopied} refused attempts and ${report.personalDataCopied} sealed personal-data rows`,
          );
          if (sealPersonalData)
            io.out(`sealed personal data: ${report.rewritten} records rewritten (listed with their new hashes in log_rewrites)`);
          if (report.reservationsAdded > 0)
            io.out(`reserved ${report.reservationsAdded} identity numbers registered without a reservation`);
          for (const w of report.warnings) io.out(`WARNING ${w}: one person, one file; merge or correct them`);
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
    default:
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
}
