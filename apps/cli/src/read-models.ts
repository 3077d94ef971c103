import { systemClock } from '@loanflow/event-store';
import { existsSync } from 'node:fs';
import { loadBusinessTimeZone, loadStorageConfig, businessDate } from '@loanflow/config';
import { addDays, CATEGORIES, Provisions, requireNotInFuture, RISK_LEVELS, RiskLevel } from '@loanflow/domain';
import {
  complianceReport,
  EndOfDay,
  listLoans,
  loadMoneyRules,
  loadPolicySettings,
  loadRiskPoints,
  loadStructureTargets,
  loadWarningRules,
  maturityReport,
  performanceReport,
  portfolioReport,
  Progress,
  ProjectionRunner,
  PROJECTIONS,
  provisionsReport,
  riskBoard,
  warnings,
  wholeMonths,
} from '@loanflow/projections';
import { openStorage, Storage } from '@loanflow/storage';
import { CommandLoop } from '@loanflow/commands';
import { choiceFlag, CommandSpec, dateFlag, parseCommand, Parsed, required, stringFlag, UsageError } from './flags';

export interface Io {
  out(line: string): void;
  err(line: string): void;
}

const REPORT_NAMES = ['loans', 'maturities', 'performance', 'portfolio', 'provisions', 'compliance', 'risk-board', 'warnings'] as const;
type ReportName = (typeof REPORT_NAMES)[number];

/** Each report's flags, as its usage shows them. */
const REPORT_ARGS: Record<ReportName, string> = {
  loans: '[--status S] [--branch B] [--officer O] [--category C] [--maturing YYYY-MM]',
  maturities: '--month YYYY-MM [--branch B] [--as-of DATE] [--overdue]',
  performance: '--from DATE --to DATE [--group-by officer|branch] [--accountability]',
  portfolio: '[--branch B]',
  provisions: '[--as-of DATE] [--branch B]',
  compliance: '[--as-of DATE] [--staff S] [--severity critical|high|medium]',
  'risk-board': '[--branch B] [--as-of DATE] [--warnings]',
  warnings: '[--branch B] [--officer O] [--level green|yellow|orange|red] [--as-of DATE]',
};
const reportUsage = (name: ReportName) => `  report ${name} ${REPORT_ARGS[name]} [--format json|csv]`;

const REBUILD_USAGE = `  rebuild [projection...]                 drop the read models (all, or: ${PROJECTIONS.map((p) => p.name).join(', ')}) and replay
                                          the log from position 0, with progress`;
const EOD_USAGE = `  eod [--date YYYY-MM-DD]                 close the business days up to a date (default: yesterday), each
                                          open day in order: classify loans, raise and resolve warning
                                          signals, issue the month's maturity reminders; a day not over
                                          or before the last closed one is refused`;

export const READ_MODEL_USAGE = [
  REBUILD_USAGE,
  EOD_USAGE,
  '  report <name> [--format json|csv] ...   print a report, brought up to date with the log first:',
  ...REPORT_NAMES.map((name) => `      ${name} ${REPORT_ARGS[name]}`),
].join('\n');

const FORMAT = { format: { type: 'string' } } as const;
const AS_OF = { 'as-of': { type: 'string' } } as const;
const BRANCH = { branch: { type: 'string' } } as const;

/** The read-model commands' flags; `report` takes the report's name first, then that report's flags. */
const COMMANDS: Record<'rebuild' | 'eod', CommandSpec> = {
  rebuild: { usage: REBUILD_USAGE, positionals: { min: 0, max: PROJECTIONS.length, names: 'projection names' } },
  eod: { usage: EOD_USAGE, options: { date: { type: 'string' } } },
};
const REPORTS: Record<ReportName, CommandSpec> = {
  loans: {
    usage: reportUsage('loans'),
    options: {
      ...FORMAT,
      ...BRANCH,
      status: { type: 'string' },
      officer: { type: 'string' },
      category: { type: 'string' },
      maturing: { type: 'string' },
    },
  },
  maturities: {
    usage: reportUsage('maturities'),
    options: { ...FORMAT, ...BRANCH, ...AS_OF, month: { type: 'string' }, overdue: { type: 'boolean' } },
  },
  performance: {
    usage: reportUsage('performance'),
    options: {
      ...FORMAT,
      from: { type: 'string' },
      to: { type: 'string' },
      'group-by': { type: 'string' },
      accountability: { type: 'boolean' },
    },
  },
  portfolio: { usage: reportUsage('portfolio'), options: { ...FORMAT, ...BRANCH } },
  provisions: { usage: reportUsage('provisions'), options: { ...FORMAT, ...AS_OF, ...BRANCH } },
  compliance: {
    usage: reportUsage('compliance'),
    options: { ...FORMAT, ...AS_OF, staff: { type: 'string' }, severity: { type: 'string' } },
  },
  'risk-board': { usage: reportUsage('risk-board'), options: { ...FORMAT, ...AS_OF, ...BRANCH, warnings: { type: 'boolean' } } },
  warnings: {
    usage: reportUsage('warnings'),
    options: { ...FORMAT, ...AS_OF, ...BRANCH, officer: { type: 'string' }, level: { type: 'string' } },
  },
};
const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

/** One CSV field: quoted when it holds a comma, a quote or a line break; lists joined with semicolons. */
function field(value: unknown): string {
  const text =
    value === null || value === undefined
      ? ''
      : Array.isArray(value)
        ? value.join(';')
        : typeof value === 'object'
          ? JSON.stringify(value)
          : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Rows of flat objects as CSV with a header line; the columns are the first row's keys plus any later ones. */
export function toCsv(rows: Record<string, unknown>[]): string {
  const columns: string[] = [];
  for (const row of rows) for (const key of Object.keys(row)) if (!columns.includes(key)) columns.push(key);
  return [columns.join(','), ...rows.map((row) => columns.map((c) => field(row[c])).join(','))].join('\n');
}

function bar(p: Progress): string {
  const total = Math.max(p.head + 1, 1);
  const done = p.position + 1;
  const width = 30;
  const filled = Math.round((done / total) * width);
  const rate = p.seconds > 0 ? p.events / p.seconds : 0;
  const left = rate > 0 ? (total - done) / rate : 0;
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${((done / total) * 100).toFixed(1)}%  ${done.toLocaleString('en')}/${total.toLocaleString('en')} events  ${Math.round(rate).toLocaleString('en')} events/s  ${left.toFixed(0)} s left`;
}

async function withStorage<T>(env: NodeJS.ProcessEnv, writes: boolean, fn: (storage: Storage) => Promise<T>): Promise<T> {
  const config = loadStorageConfig(env);
  if (config.eventStore === 'sqlite' && !existsSync(config.sqlitePath))
    throw new Error(`no event log at ${config.sqlitePath} (set SQLITE_PATH)`);
  const storage = await openStorage(config, { clock: systemClock, writes });
  try {
    return await fn(storage);
  } finally {
    await storage.close();
  }
}

/** The CLI's read-model commands; null when `command` is none of them. */
export async function runReadModelCommand(command: string, args: string[], io: Io, env: NodeJS.ProcessEnv): Promise<number | null> {
  if (command !== 'rebuild' && command !== 'eod' && command !== 'report') return null;
  try {
    return await readModelCommand(command, args, io, env);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.err(error.message);
    return 2;
  }
}

async function readModelCommand(command: 'rebuild' | 'eod' | 'report', args: string[], io: Io, env: NodeJS.ProcessEnv): Promise<number> {
  // Every flag is read before anything is opened: end of day closes days for good, and a flag
  // mistyped or without its value must not close up to yesterday instead.
  let parsed: Parsed;
  let name: ReportName | null = null;
  if (command === 'report') {
    const [first, ...rest] = args;
    if (first === '--help' || first === '-h') {
      io.out(REPORT_NAMES.map(reportUsage).join('\n'));
      return 0;
    }
    if (!REPORT_NAMES.includes(first as ReportName)) throw new UsageError(`report takes one of: ${REPORT_NAMES.join(', ')}`);
    name = first as ReportName;
    parsed = parseCommand(`report ${name}`, REPORTS[name], rest);
  } else parsed = parseCommand(command, COMMANDS[command], args);
  if (parsed.help) {
    io.out(name ? REPORTS[name].usage : COMMANDS[command as 'rebuild' | 'eod'].usage);
    return 0;
  }
  const { values, positionals } = parsed;
  const date = command === 'eod' ? dateFlag(values, 'date') : undefined;
  const reading = name ? reportReading(name, values) : null;
  const unknown = command === 'rebuild' ? positionals.filter((n) => !PROJECTIONS.some((p) => p.name === n)) : [];
  if (unknown.length) throw new UsageError(`no projection named ${unknown.join(', ')}`);
  {
    // Only end of day appends to the log; rebuilds and reports read it.
    return await withStorage(env, command === 'eod', async (storage) => {
      const interactive = process.stderr.isTTY;
      const runner = new ProjectionRunner(storage.eventStore, storage.readModels, PROJECTIONS, {
        businessTimeZone: loadBusinessTimeZone(env),
        clock: storage.clock,
        batchSize: command === 'rebuild' ? 10_000 : 2_000,
        onProgress: command === 'rebuild' ? (p) => (interactive ? process.stderr.write(`\r${bar(p)}`) : io.err(bar(p))) : undefined,
      });
      switch (command) {
        case 'rebuild': {
          const names = positionals;
          const started = Date.now();
          const events = await runner.rebuild(names.length ? names : undefined);
          if (interactive) process.stderr.write('\n');
          const seconds = (Date.now() - started) / 1000;
          io.out(
            `rebuilt ${names.length ? names.join(', ') : 'every projection'}: ${events} events in ${seconds.toFixed(1)} s (${Math.round(events / Math.max(seconds, 0.001))} events/s)`,
          );
          return 0;
        }
        case 'eod': {
          const zone = loadBusinessTimeZone(env);
          const endOfDay = new EndOfDay(
            storage.eventStore,
            storage.readModels,
            runner,
            new CommandLoop(storage.eventStore, systemClock, zone, storage.personalData),
            systemClock,
            zone,
          );
          const through = date ?? addDays(businessDate(systemClock(), zone), -1);
          const { lastClosed } = await endOfDay.status();
          const started = Date.now();
          const closed = await endOfDay.closeThrough(through, (r) =>
            io.out(
              `end of day ${r.date}: ${r.classified} loans classified, ${r.signals} loans' warning signals changed, ${r.reminders} branches sent maturity reminders`,
            ),
          );
          await runner.catchUp();
          io.out(
            closed.length === 0
              ? `business day ${through} was already closed (last closed: ${lastClosed})`
              : `closed ${closed.length} business day${closed.length > 1 ? 's' : ''}, ${closed[0].date} to ${through}, in ${((Date.now() - started) / 1000).toFixed(1)} s`,
          );
          return 0;
        }
        default:
          return report(storage, runner, name!, reading!, io, env);
      }
    });
  }
}

/** A report's flags read and checked, all but the dates that depend on today. */
interface ReportReading {
  values: Parsed['values'];
  format: 'json' | 'csv';
  asOf: string | undefined;
}

function reportReading(name: ReportName, values: Parsed['values']): ReportReading {
  const format = choiceFlag(values, 'format', ['json', 'csv'] as const) ?? 'json';
  const asOf = dateFlag(values, 'as-of');
  if (name === 'loans') {
    choiceFlag(values, 'category', CATEGORIES);
    const maturing = stringFlag(values, 'maturing');
    if (maturing !== undefined && !MONTH.test(maturing)) throw new UsageError(`--maturing takes YYYY-MM, not ${maturing}`);
  }
  if (name === 'maturities') {
    const month = required(stringFlag(values, 'month'), 'month');
    if (!MONTH.test(month)) throw new UsageError(`--month takes YYYY-MM, not ${month}`);
  }
  if (name === 'performance') {
    required(dateFlag(values, 'from'), 'from');
    required(dateFlag(values, 'to'), 'to');
    choiceFlag(values, 'group-by', ['officer', 'branch'] as const);
  }
  if (name === 'compliance') choiceFlag(values, 'severity', ['critical', 'high', 'medium'] as const);
  if (name === 'warnings') choiceFlag(values, 'level', RISK_LEVELS);
  return { values, format, asOf };
}

async function report(
  storage: Storage,
  runner: ProjectionRunner,
  name: ReportName,
  { values, format, asOf: asked }: ReportReading,
  io: Io,
  env: NodeJS.ProcessEnv,
): Promise<number> {
  const option = (flag: string) => stringFlag(values, flag);
  await runner.catchUp();
  const db = storage.readModels;
  const today = businessDate(systemClock(), loadBusinessTimeZone(env));
  /** A report is as of today or an earlier day. */
  const asOfOption = () => {
    if (asked === undefined) return today;
    requireNotInFuture(asked, today, '--as-of');
    return asked;
  };
  let json: unknown;
  let rows: Record<string, unknown>[];
  switch (name) {
    case 'loans': {
      const filter = {
        status: option('status'),
        branchId: option('branch'),
        officerId: option('officer'),
        category: option('category') as never,
        maturing: option('maturing'),
      };
      const page = await listLoans(db, filter, 1, 1_000_000);
      json = page;
      rows = page.items.map(({ people, ...loan }) => ({
        ...loan,
        ...Object.fromEntries(Object.entries(people).map(([post, ids]) => [`${post}By`, ids])),
      }));
      break;
    }
    case 'maturities': {
      const r = await maturityReport(db, option('month')!, asOfOption(), option('branch'));
      json = r;
      rows = values.overdue
        ? (r.overdue as unknown as Record<string, unknown>[])
        : r.branches.flatMap((b) =>
            b.officers.flatMap((o) => o.loans.map((l) => ({ branchId: b.branchId, officerId: o.officerId, ...l }))),
          );
      break;
    }
    case 'performance': {
      const [from, to] = [option('from')!, option('to')!];
      if (from > to) throw new UsageError(`--from ${from} is after --to ${to}`);
      if (from > today) throw new UsageError(`the period begins on ${from}, after today (${today}): nothing in it has happened yet`);
      if (!wholeMonths(from, to))
        throw new UsageError('an assessment period is whole months: --from the 1st of a month, --to the last day of one');
      const groupBy = (option('group-by') ?? 'officer') as 'officer' | 'branch';
      const r = await performanceReport(db, from, to, groupBy);
      json = r;
      rows = values.accountability
        ? r.accountability.map(({ dissent, ...loan }) => ({ ...loan, dissent: dissent.map((d) => `${d.by} (${d.post}): ${d.note}`) }))
        : [...(r.rows as unknown as Record<string, unknown>[]), { branchId: 'TOTAL', ...r.total }];
      break;
    }
    case 'portfolio': {
      const r = await portfolioReport(db, (await loadStructureTargets(storage.eventStore)).targets, option('branch'));
      json = r;
      rows = Object.entries(r.dimensions).flatMap(([dimension, buckets]) => buckets.map((b) => ({ dimension, ...b })));
      break;
    }
    case 'provisions': {
      const { provisionRates, version } = await loadMoneyRules(storage.eventStore);
      const r = await provisionsReport(db, { asOf: asOfOption(), branchId: option('branch') }, provisionRates);
      json = { ...r, moneyRulesVersion: version };
      const lines = (branchId: string, p: Provisions) => [
        ...p.byCategory.map((c) => ({ branchId, ...c })),
        { branchId, category: 'all', loans: p.loans, balance: p.balance, general: p.general, specific: p.specific, provision: p.provision },
      ];
      rows = [...r.branches.flatMap((b) => lines(b.branchId, b)), ...lines('TOTAL', r.total)];
      break;
    }
    case 'compliance': {
      const settings = await loadPolicySettings(storage.eventStore);
      const severity = option('severity');
      const r = await complianceReport(
        db,
        { rotationTenureMonths: settings.rotationTenureMonths, inspectionIntervalDays: settings.inspectionIntervalDays },
        {
          asOf: asOfOption(),
          staffId: option('staff'),
          severity: severity as never,
          timeZone: loadBusinessTimeZone(env),
        },
      );
      json = r;
      rows = r.findings as unknown as Record<string, unknown>[];
      break;
    }
    case 'risk-board': {
      const [{ points }, { rules }] = await Promise.all([loadRiskPoints(storage.eventStore), loadWarningRules(storage.eventStore)]);
      const asOf = asOfOption();
      const r = await riskBoard(db, points, rules, { asOf, branchId: option('branch') });
      json = r;
      rows = values.warnings
        ? (r.warnings.top as unknown as Record<string, unknown>[])
        : (r.points as unknown as Record<string, unknown>[]);
      break;
    }
    case 'warnings': {
      const level = option('level');
      const { rules } = await loadWarningRules(storage.eventStore);
      const r = await warnings(db, rules, {
        asOf: asOfOption(),
        branchId: option('branch'),
        officerId: option('officer'),
        level: level as RiskLevel | undefined,
      });
      json = r;
      rows = r.warnings as unknown as Record<string, unknown>[];
      break;
    }
  }
  io.out(format === 'json' ? JSON.stringify(json, null, 2) : toCsv(rows));
  return 0;
}
