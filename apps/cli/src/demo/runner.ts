import { INestApplication } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { AddressInfo } from 'node:net';
import { dirname } from 'node:path';
import { businessDate, LoanflowConfig, zonedInstant } from '@loanflow/config';
import {
  addDays,
  addMonths,
  CATEGORIES,
  daysBetween,
  isNonPerforming,
  lastDayOfMonth,
  Loan,
  loanDecider,
  LoanEvent,
  openSignals,
  SIGNAL_RULES,
  upcast,
} from '@loanflow/domain';
import { EventStore, systemClock } from '@loanflow/event-store';
import { EndOfDayService, ProjectionService } from '@loanflow/projections';
import { AccessAuditLog, openStorage } from '@loanflow/storage';
import { ACCESS_AUDIT, createApp, EVENT_STORE } from '@loanflow/api';
import { ADMIN, SCORECARD } from './cooperative';
import { Body, derive } from './derive';
import { DemoAct, DemoFailure, DemoPlan, PHASES } from './plan';

export interface DemoSummary {
  db: string;
  seed: number;
  from: string;
  to: string;
  businessDays: number;
  /** The last day closed: the day before today, or the calendar's end. */
  closedThrough: string;
  /** Days from the first to the last closed, each closed by end of day. */
  calendarDays: number;
  branches: string[];
  staff: number;
  borrowers: number;
  loans: number;
  loansByStatus: Record<string, number>;
  /** Active loans by category, as end of day and the inspectors left them. */
  activeByCategory: Record<string, number>;
  nonPerforming: number;
  eventsAppended: number;
  eventsByType: Record<string, number>;
  /** 403s the demo provoked on purpose, as the access-audit log recorded them, by rule code. */
  refusedAttempts: number;
  refusedByRule: Record<string, number>;
  /** 409s the demo provoked on purpose (static separation of duties). */
  expectedConflicts: number;
  requests: number;
  endOfDayRuns: number;
  classifiedAtEndOfDay: number;
  /** The risk side, from the log: ratings on the borrowers' files, committee decisions, warning signals and what was done about them. */
  risk: {
    ratedByGrade: Record<string, number>;
    committee: { approved: number; rejected: number; votes: number };
    signalsRaised: Record<string, number>;
    signalsResolved: number;
    signalsOpen: number;
    guarantees: number;
    earlyRecoveries: number;
    extensions: number;
    writeOffs: number;
    /** Money recorded on written-off claims. */
    recoveries: number;
    /** Payments that paid penalty or compound interest, and how much of it. */
    latePayments: number;
    penaltyCollected: number;
  };
  /** What the read side (GET /loans, /reports/*, /compliance/violations) answered at the end. */
  readSide: {
    activeListed: number;
    portfolio: { loans: number; breaches: string[] };
    performance: { newLoans: number; nplRate: number | null; recoveryRate: number | null; accountable: number };
    maturing: { month: string; loans: number };
    compliance: Record<string, number>;
    /** Where the read side disagrees with the log. */
    mismatches: string[];
  } | null;
  wallMs: number;
}

export interface RunSettings {
  /** The app's configuration: SQLite at `sqlitePath`, no Kafka. */
  config: LoanflowConfig;
  /** Tasks in flight at once within a phase. */
  concurrency: number;
  /** When the demo began (ms since the epoch), for its progress lines and wall time. */
  began: number;
}

/** Refuses to write into a log that holds events, unless `force` deletes the file first. */
export async function prepareFile(config: LoanflowConfig, force: boolean): Promise<void> {
  const file = config.sqlitePath;
  const parts = [file, `${file}-wal`, `${file}-shm`, `${file}-journal`];
  if (existsSync(file)) {
    if (force) for (const p of parts) rmSync(p, { force: true });
    else {
      const storage = await openStorage(config, { clock: systemClock });
      const head = await storage.eventStore.headPosition().finally(() => storage.close());
      if (head >= 0) throw new Error(`${file} already holds a log of ${head + 1} events; pass --force to delete it first`);
    }
  }
  mkdirSync(dirname(file), { recursive: true });
}

/** The instant of a wall-clock time (minutes after midnight) on a business date in the cooperative's time zone. */
function zonedAt(date: string, minutes: number, timeZone: string): Date {
  const [year, month, day] = date.split('-').map(Number);
  return zonedInstant({ year, month, day, hour: Math.floor(minutes / 60), minute: minutes % 60, second: 0 }, timeZone);
}

/** Splits acts into runs of neighbours that share what `of` says of them. */
function runsOf<T>(acts: readonly DemoAct[], of: (act: DemoAct) => T): DemoAct[][] {
  const runs: DemoAct[][] = [];
  for (const act of acts) {
    const last = runs[runs.length - 1];
    if (last && of(last[0]) === of(act)) last.push(act);
    else runs.push([act]);
  }
  return runs;
}

/**
 * Sends the plan through the real HTTP routes of the real app, on a SQLite file, with a clock the
 * runner moves one business day at a time: each act by its named staff member with a signed token,
 * each day closed by end of day before the next begins. Then reads back what it built.
 */
export async function runDemo(plan: DemoPlan, settings: RunSettings, log: (line: string) => void): Promise<DemoSummary> {
  const { config, concurrency, began } = settings;
  const timeZone = config.businessTimeZone;
  const { days } = plan;
  let now = zonedAt(days[0], 7 * 60, timeZone);
  const app: INestApplication = await createApp(config, { clock: () => now, logger: false });
  await app.listen(0, '127.0.0.1');
  const base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  const store = app.get<EventStore>(EVENT_STORE);
  const audit = app.get<AccessAuditLog>(ACCESS_AUDIT);
  const endOfDay = app.get(EndOfDayService);
  const projections = app.get(ProjectionService);
  const jwt = new JwtService();
  const tokens = new Map<string, string>();
  const token = (id: string) => {
    let t = tokens.get(id);
    if (!t) {
      t = jwt.sign(
        { sub: id, ...(id === ADMIN ? { admin: true } : {}) },
        {
          secret: config.jwtSecret,
          algorithm: 'HS256',
          expiresIn: 12 * 3600,
          ...(config.jwtIssuer ? { issuer: config.jwtIssuer } : {}),
          ...(config.jwtAudience ? { audience: config.jwtAudience } : {}),
        },
      );
      tokens.set(id, t);
    }
    return t;
  };
  let requests = 0;
  let expectedConflicts = 0;

  /**
   * One request through the real routes. Anything but the expected status aborts the demo with
   * the problem the api answered; keys make command and correlation ids deterministic.
   */
  const call = async (
    method: DemoAct['method'],
    path: string,
    as: string,
    body?: Body,
    key?: string,
    expect?: number,
    why?: string,
  ): Promise<Record<string, unknown>> => {
    const expected = expect ?? (method === 'POST' ? 201 : 200);
    const headers: Record<string, string> = { authorization: `Bearer ${token(as)}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (key !== undefined) {
      headers['idempotency-key'] = key;
      headers['x-correlation-id'] = key;
    }
    requests++;
    const response = await fetch(base + path, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    const text = await response.text();
    if (response.status !== expected)
      throw new DemoFailure(
        `${method} ${path} as ${as} on ${businessDate(now, timeZone)} answered ${response.status}, expected ${expected}` +
          `${why ? ` (${why})` : ''}${body !== undefined ? `\n  request: ${JSON.stringify(body)}` : ''}\n  answer: ${text}`,
      );
    if (expected === 409) expectedConflicts++;
    return text ? (JSON.parse(text) as Record<string, unknown>) : {};
  };
  /** Moves the clock to a time of the business day (minutes after midnight); never backwards. */
  const setClock = (date: string, minutes: number) => {
    const at = zonedAt(date, Math.min(minutes, 23 * 60 + 59), timeZone);
    now = at > now ? at : new Date(now.getTime() + 1000);
  };

  /** A task's acts one after another; a derived act's body is worked out from the task's last kept answer. */
  const runTask = async (acts: DemoAct[]) => {
    let kept: Loan | null = null;
    for (const act of acts) {
      let body = act.body;
      if (act.derive) {
        if (!kept) throw new DemoFailure(`${act.method} ${act.path} on ${act.day}: the plan reads nothing before it`);
        const derived = derive(act.derive, act.body ?? {}, kept);
        if (derived === null) continue;
        body = derived;
      }
      const answer = await call(act.method, act.path, act.as, body, act.key, act.expect, act.why);
      if (act.keep) kept = answer as unknown as Loan;
    }
  };
  /**
   * A phase's tasks in waves of `concurrency`, the clock a minute further each wave. A phase that
   * settles lets the system's reactions to a wave happen before the clock moves.
   */
  const runPhase = async (acts: DemoAct[]) => {
    const { day, phase } = acts[0];
    const { minute } = PHASES[phase];
    for (const wave of runsOf(acts, (act) => Math.floor(act.task / concurrency))) {
      setClock(day, minute + Math.floor(wave[0].task / concurrency));
      await Promise.all(runsOf(wave, (act) => act.task).map(runTask));
      if ('settle' in PHASES[phase]) await projections.ready();
    }
  };

  let endOfDayRuns = 0;
  let classifiedAtEndOfDay = 0;
  /** Every day up to `through` closed, as the nightly run does just after midnight. */
  const closeDays = async (through: string) => {
    setClock(addDays(through, 1), 30);
    const closed = await endOfDay.closeThrough(through);
    endOfDayRuns += closed.length;
    classifiedAtEndOfDay += closed.reduce((n, r) => n + r.classified, 0);
  };
  const byDay = new Map(runsOf(plan.acts, (act) => act.day).map((acts) => [acts[0].day, acts]));
  const progress = new Map(plan.progress.map((p) => [p.day, p]));
  try {
    for (const [d, date] of days.entries()) {
      if (d > 0) await closeDays(addDays(date, -1));
      for (const acts of runsOf(byDay.get(date) ?? [], (act) => act.phase)) await runPhase(acts);
      byDay.delete(date);
      const p = progress.get(date);
      if (p)
        log(
          `${date.slice(0, 7)} done: ${p.applied} loans applied, ${p.active} active, ${p.closed} closed, ` +
            `${(await store.headPosition()) + 1} events, ${requests} requests, ${((Date.now() - began) / 1000).toFixed(1)} s`,
        );
    }
    if (byDay.size > 0) throw new DemoFailure(`the plan has acts on ${[...byDay.keys()].join(', ')}, outside its business days`);
    await closeDays(addDays(plan.end, -1));
    const summary = await summarize();
    const sorted = (r: Record<string, number>) => JSON.stringify(Object.entries(r).sort());
    if (sorted(summary.loansByStatus) !== sorted(plan.loansByStatus))
      throw new DemoFailure(
        `the log's loans by status, ${sorted(summary.loansByStatus)}, are not what the plan made them, ${sorted(plan.loansByStatus)}`,
      );
    summary.readSide = await readSide(days[days.length - 1], summary);
    return summary;
  } finally {
    await app.close();
  }

  async function summarize(): Promise<DemoSummary> {
    const eventsByType: Record<string, number> = {};
    const states = new Map<string, Loan>();
    const ratedByGrade: Record<string, number> = Object.fromEntries(SCORECARD.grades.map((g) => [g.grade, 0]));
    const signalsRaised: Record<string, number> = Object.fromEntries(SIGNAL_RULES.map((r) => [r, 0]));
    const committee = { approved: 0, rejected: 0, votes: 0 };
    const penalised = { payments: 0, cents: 0 };
    let total = 0;
    for (let from = 0; ;) {
      const batch = await store.readAll(from, 5000);
      if (batch.length === 0) break;
      for (const e of batch) {
        total++;
        eventsByType[e.type] = (eventsByType[e.type] ?? 0) + 1;
        const data = e.data as Record<string, any>;
        if (e.type === 'BorrowerRated') ratedByGrade[data.rating.grade] = (ratedByGrade[data.rating.grade] ?? 0) + 1;
        if (e.type === 'RiskSignalRaised') signalsRaised[data.rule] = (signalsRaised[data.rule] ?? 0) + 1;
        if (e.type === 'ApprovalVoteCast') committee.votes++;
        if (e.type === 'RepaymentReceived' && (data.penalty ?? 0) + (data.compound ?? 0) > 0) {
          penalised.payments++;
          penalised.cents += data.penalty + data.compound;
        }
        if (e.type === 'LoanApproved' && data.committee) committee.approved++;
        if (e.type === 'LoanRejected' && data.byCommittee) committee.rejected++;
        if (e.streamId.startsWith('loan-'))
          states.set(e.streamId, loanDecider.evolve(states.get(e.streamId) ?? loanDecider.initialState, upcast(e) as unknown as LoanEvent));
      }
      from = batch[batch.length - 1].globalPosition + 1;
    }
    const loansByStatus: Record<string, number> = {};
    const activeByCategory: Record<string, number> = Object.fromEntries(CATEGORIES.map((c) => [c, 0]));
    let nonPerforming = 0;
    for (const s of states.values()) {
      loansByStatus[s.status] = (loansByStatus[s.status] ?? 0) + 1;
      if (s.status !== 'active') continue;
      activeByCategory[s.category]++;
      if (isNonPerforming(s.category)) nonPerforming++;
    }
    const denials = await audit.list({ limit: Number.MAX_SAFE_INTEGER });
    const refusedByRule: Record<string, number> = {};
    for (const x of denials) refusedByRule[x.ruleCode] = (refusedByRule[x.ruleCode] ?? 0) + 1;
    return {
      db: config.sqlitePath,
      seed: plan.seed,
      from: days[0],
      to: days[days.length - 1],
      businessDays: days.length,
      closedThrough: addDays(plan.end, -1),
      calendarDays: daysBetween(plan.start, plan.end),
      branches: plan.branches,
      staff: plan.staff,
      borrowers: plan.borrowers,
      loans: states.size,
      loansByStatus,
      activeByCategory,
      nonPerforming,
      eventsAppended: total,
      eventsByType,
      refusedAttempts: denials.length,
      refusedByRule,
      expectedConflicts,
      requests,
      endOfDayRuns,
      classifiedAtEndOfDay,
      risk: {
        ratedByGrade,
        committee,
        signalsRaised,
        signalsResolved: eventsByType.RiskSignalResolved ?? 0,
        signalsOpen: [...states.values()].reduce((n, s) => n + openSignals(s).length, 0),
        guarantees: eventsByType.GuaranteeAdded ?? 0,
        earlyRecoveries: eventsByType.EarlyRecoveryDemanded ?? 0,
        extensions: eventsByType.LoanExtended ?? 0,
        writeOffs: eventsByType.LoanWrittenOff ?? 0,
        recoveries: eventsByType.WrittenOffRecovered ?? 0,
        latePayments: penalised.payments,
        penaltyCollected: penalised.cents,
      },
      readSide: null,
      wallMs: Date.now() - began,
    };
  }

  /** The read side through its routes, as a branch head sees it after the last day; checked against the log. */
  async function readSide(last: string, summary: DemoSummary): Promise<DemoSummary['readSide']> {
    setClock(last, 18 * 60 + 30);
    // The answers are read loosely: the demo reports what it finds, the report tests check the shapes.
    type Answer = Record<string, any>;
    const get = (path: string) => call('GET', path, plan.viewer) as Promise<Answer>;
    const active = await get('/loans?status=active&pageSize=1');
    const portfolio = await get('/reports/portfolio');
    // Assessment periods are whole months: from the first month's 1st to the last month's end.
    const performance = await get(
      `/reports/performance?from=${days[0].slice(0, 7)}-01&to=${lastDayOfMonth(last.slice(0, 7))}&groupBy=branch`,
    );
    const month = addMonths(last, 1).slice(0, 7);
    const maturing = await get(`/reports/maturities?month=${month}`);
    // Compliance findings are for auditors and administrators.
    const compliance = (await call('GET', '/compliance/violations', ADMIN)) as Answer;
    const maturingLoans = (maturing.branches ?? []).reduce(
      (n: number, b: Answer) => n + (b.officers ?? []).reduce((m: number, o: Answer) => m + (o.loans?.length ?? 0), 0),
      0,
    );
    const mismatches: string[] = [];
    const activeInLog = summary.loansByStatus.active ?? 0;
    if (active.total !== activeInLog) mismatches.push(`GET /loans?status=active lists ${active.total} loans, the log has ${activeInLog}`);
    if (portfolio.loans !== activeInLog)
      mismatches.push(`/reports/portfolio counts ${portfolio.loans} active loans, the log has ${activeInLog}`);
    if (compliance.counts?.refused_attempt !== summary.refusedAttempts)
      mismatches.push(
        `/compliance/violations counts ${compliance.counts?.refused_attempt} refused attempts, the access audit ${summary.refusedAttempts}`,
      );
    for (const m of mismatches) log(`demo: READ SIDE MISMATCH ${m}`);
    return {
      activeListed: active.total,
      portfolio: { loans: portfolio.loans, breaches: (portfolio.breaches ?? []).map((b: Answer) => `${b.dimension} ${b.bucket}`) },
      performance: {
        newLoans: performance.total?.newLoans,
        nplRate: performance.total?.nplRate ?? null,
        recoveryRate: performance.total?.recoveryRate ?? null,
        accountable: performance.accountability?.length ?? 0,
      },
      maturing: { month, loans: maturingLoans },
      compliance: compliance.counts ?? {},
      mismatches,
    };
  }
}
