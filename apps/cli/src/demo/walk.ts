import { addDays, addMonths, bookOf, DEFAULT_WARNING_RULES, Loan, positionOn, Post, rateBorrower } from '@loanflow/domain';
import { residentIdFor } from '@loanflow/domain/borrower/sample-identities';
import { extended, paidOut, recovered, recoveryDemanded, repaid, writtenOff } from './books';
import { Calendar, onOrAfter, onOrBefore } from './calendar';
import {
  ADMIN,
  APPRAISERS,
  clamp,
  CNY,
  COMMITTEE,
  POLICY_SETTINGS,
  REGULAR_LIMIT,
  RISK_POINT_CATALOGUE,
  RISK_POINTS,
  SCORECARD,
  SENIOR_LIMIT,
  STRUCTURE_TARGETS,
  yuan,
} from './cooperative';
import { Body, Derivation } from './derive';
import { Action, Cooperative, DemoLoan, Person, Step } from './draw';
import { between, pick, subRng } from './random';

/**
 * The parts of a business day, in order, and the minute (after midnight, the cooperative's time)
 * each starts at. `settle`: the system's reactions to each wave (a rating put on the borrower's
 * file) happen before the clock moves on, so they carry the same time however the run goes.
 */
export const PHASES = {
  'register-staff': { minute: 8 * 60 },
  'assign-posts': { minute: 8 * 60 + 10 },
  configure: { minute: 8 * 60 + 30 },
  rotate: { minute: 8 * 60 },
  relations: { minute: 8 * 60 + 45 },
  apply: { minute: 9 * 60 },
  investigate: { minute: 10 * 60, settle: true },
  examine: { minute: 11 * 60 },
  approve: { minute: 14 * 60 },
  disburse: { minute: 15 * 60 },
  repay: { minute: 16 * 60 },
  inspect: { minute: 16 * 60 + 30 },
  act: { minute: 16 * 60 + 45 },
  recover: { minute: 17 * 60 },
} as const satisfies Record<string, { minute: number; settle?: boolean }>;
export type Phase = keyof typeof PHASES;

/**
 * One request a named person makes on a business day. Acts of one task are sent one after
 * another; the tasks of a phase are independent of each other and go `concurrency` at a time, in
 * waves a minute apart: `task` is the task's place in its phase.
 */
export interface DemoAct {
  day: string;
  phase: Phase;
  task: number;
  as: string;
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  body?: Body;
  /** Idempotency key and correlation id: the same plan gives the same command ids. */
  key?: string;
  /** A refusal provoked on purpose: 403 (policy) or 409 (static separation of duties); otherwise 201 for POST, else 200. */
  expect?: 403 | 409;
  why?: string;
  /** What a later act needs from this one: its answer (the loan as the app holds it) is what the task's next derived act reads. */
  keep?: true;
  /** The body is `body` as this pure function of the kept answer makes it (derive.ts); it may find nothing to send. */
  derive?: Derivation;
}

/** How far the walk got by a month's last business day: the runner's progress line. */
export interface Progress {
  day: string;
  applied: number;
  active: number;
  closed: number;
}

/** The demo's own staffing or data cannot go on: a bug in the demo, not in the app. */
export class DemoFailure extends Error {}

/**
 * A payment the borrower makes: what is due that day (penalties included when late), or the whole
 * loan off; `paidOn` when the money came in earlier than the teller records it (a due date on a weekend).
 */
interface Payment {
  kind: 'due' | 'payoff';
  paidOn?: string;
}

interface DatedWork {
  payments: Map<DemoLoan, Payment>;
  inspections: Set<DemoLoan>;
  actions: Map<DemoLoan, Action[]>;
  /** Written-off loans on which some money comes in. */
  recoveries: Set<DemoLoan>;
}

export interface Walked {
  acts: DemoAct[];
  progress: Progress[];
  /** Borrowers registered within the period. */
  borrowers: number;
}

/**
 * Takes the cooperative through its calendar, one business day at a time, as its people would:
 * each act decided from what the seed drew and what earlier acts did, nothing sent.
 */
export function walk(coop: Cooperative, calendar: Calendar, seed: number, months: number): Walked {
  const { branches, people, seniors, borrowers, borrowersOf, loans } = coop;
  const { start, days } = calendar;
  const dayIndex = new Map(days.map((d, i) => [d, i]));
  const acts: DemoAct[] = [];
  const progress: Progress[] = [];
  const registered = new Set<string>();

  const pipeline = new Map<number, DemoLoan[]>();
  const schedule = (loan: DemoLoan, day: number, step: Step) => {
    loan.next = { day, step };
    if (day < days.length) (pipeline.get(day) ?? pipeline.set(day, []).get(day)!).push(loan);
  };
  for (const l of loans) schedule(l, l.applyDay, 'apply');
  const dated = new Map<string, DatedWork>();
  const work = (date: string) =>
    dated.get(date) ??
    dated.set(date, { payments: new Map(), inspections: new Set(), actions: new Map(), recoveries: new Set() }).get(date)!;
  /** An action on the loan on a later business day (or on `date`, when that is a business day). */
  const later = (loan: DemoLoan, date: string, action: Action) => {
    const w = work(onOrAfter(date)).actions;
    w.set(loan, [...(w.get(loan) ?? []), action]);
  };

  // ---- acts, in tasks and phases ------------------------------------------------------------------
  let slot: Pick<DemoAct, 'day' | 'phase' | 'task'> = { day: days[0], phase: 'configure', task: 0 };
  /** Runs the tasks of a phase in their order, each emitting its acts. */
  const phase = (day: string, name: Phase, tasks: (() => void)[]) =>
    tasks.forEach((task, i) => {
      slot = { day, phase: name, task: i };
      task();
    });
  const send = (
    method: DemoAct['method'],
    path: string,
    as: string,
    body?: Body,
    key?: string,
    expect?: DemoAct['expect'],
    why?: string,
  ) => {
    acts.push({
      ...slot,
      as,
      method,
      path,
      ...(body !== undefined ? { body } : {}),
      ...(key !== undefined ? { key } : {}),
      ...(expect !== undefined ? { expect, why } : {}),
    });
  };
  /** Reads the loan as the app holds it, for the derived act after it. */
  const read = (loan: DemoLoan, as: string) => acts.push({ ...slot, as, method: 'GET', path: `/loans/${loan.id}`, keep: true });
  const sendDerived = (derive: Derivation, path: string, as: string, body: Body, key: string) =>
    acts.push({ ...slot, as, method: 'POST', path, body, key, derive });

  // ---- who may act: the demo keeps to the policy, except where it means to be refused ------------
  const holders = (post: Post, branchId: string) => people.filter((p) => p.post?.post === post && p.post.branchId === branchId);
  const related = (p: Person, loan: DemoLoan) => p.relations.has(loan.borrower.id);
  const eligible = (post: Post, loan: DemoLoan, amount = 0): Person[] =>
    holders(post, loan.branchId).filter((p) => {
      if (related(p, loan)) return false;
      const a = loan.actors;
      switch (post) {
        case 'investigation':
          return !a.examination.has(p.id) && !a.approval.has(p.id);
        case 'examination':
          return !a.investigation.has(p.id) && !a.approval.has(p.id);
        case 'approval':
          return !a.investigation.has(p.id) && !a.examination.has(p.id) && (p.post!.limit ?? 0) >= amount;
        case 'disbursement':
          return !a.approval.has(p.id);
        default:
          return true;
      }
    });
  const person = (id: string) => people.find((p) => p.id === id)!;
  /** Approvers who held none of the three powers on the loan nor paid it out: who extend it or write it off. */
  const independent = (loan: DemoLoan): Person[] =>
    holders('approval', loan.branchId).filter(
      (p) =>
        !related(p, loan) &&
        !(['investigation', 'examination', 'approval', 'disbursement'] as const).some((post) => loan.actors[post].has(p.id)),
    );
  const held = (loan: DemoLoan): Loan => loan.held!;

  const terms = (loan: DemoLoan) => ({ amount: loan.proposed, termMonths: loan.termMonths, annualRateBps: loan.rateBps });
  const nextDay = (loan: DemoLoan, today: number, min: number, max: number) => today + between(loan.rng, min, max);

  const admin = {
    register: (p: Person, key: string) => send('POST', '/staff', ADMIN, { staffId: p.id, name: p.name, branchId: p.homeBranch }, key),
    assign: (p: Person, post: Post, branchId: string, key: string, limit?: number) => {
      send('POST', `/staff/${p.id}/posts`, ADMIN, { post, branchId, ...(limit !== undefined ? { approvalLimit: limit } : {}) }, key);
      p.post = { post, branchId, ...(limit !== undefined ? { limit } : {}) };
    },
    revoke: (p: Person, key: string) => {
      send('DELETE', `/staff/${p.id}/posts/${p.post!.post}`, ADMIN, undefined, key);
      p.post = null;
    },
  };

  // ---- one loan step at a time ------------------------------------------------------------------
  const defer = (loan: DemoLoan, d: number, step: Step) => {
    if (++loan.deferrals > 20)
      throw new DemoFailure(`loan ${loan.id}: nobody at ${loan.branchId} may ${step} it (the demo's staffing is wrong)`);
    schedule(loan, d + 1, step);
  };

  const applyTask = (loan: DemoLoan, date: string, d: number) => () => {
    const officer = pick(
      loan.rng,
      holders('investigation', loan.branchId).filter((p) => !related(p, loan)),
    );
    if (!officer) return defer(loan, d, 'apply');
    const b = loan.borrower;
    if (!registered.has(b.id)) {
      registered.add(b.id);
      send(
        'POST',
        '/borrowers',
        officer.id,
        { borrowerId: b.id, name: b.name, kind: b.kind, village: b.village, sector: b.sector, identityNumber: b.identityNumber },
        `${date}.register.${b.id}`,
      );
    }
    send(
      'POST',
      '/loans',
      officer.id,
      {
        loanId: loan.id,
        borrowerId: b.id,
        branchId: loan.branchId,
        purpose: loan.purpose,
        sector: loan.sector,
        agricultural: loan.agricultural,
        security: loan.security,
        amount: loan.amount,
        termMonths: loan.termMonths,
        repayment: loan.repayment,
      },
      `${date}.apply.${loan.id}`,
    );
    loan.officer = officer.id;
    loan.actors.investigation.add(officer.id);
    loan.status = 'applied';
    schedule(loan, nextDay(loan, d, 1, 3), 'investigate');
  };

  /**
   * What the investigator measures of the borrower: as sound as the borrower will turn out to be,
   * give or take. Measured once; a file sent back keeps its values.
   */
  const measure = (loan: DemoLoan): Record<string, number> => {
    if (loan.rating) return loan.rating;
    const rng = loan.rng;
    const q =
      loan.large && loan.behaviour !== 'default'
        ? 0.95 + 0.05 * rng()
        : loan.fate === 'decline'
          ? 0.05 + 0.35 * rng()
          : loan.behaviour === 'default'
            ? 0.25 + 0.45 * rng()
            : loan.behaviour === 'late'
              ? 0.35 + 0.4 * rng()
              : 0.5 + 0.35 * rng();
    const noise = () => rng() - 0.5;
    const repaidHere = loans.filter((l) => l.borrower === loan.borrower && l.status === 'closed').length;
    loan.rating = {
      debt_ratio: clamp(Math.round(80 - 65 * q + 20 * noise()), 5, 120),
      income_cover: clamp(Math.round(70 + 190 * q + 40 * noise()), 30, 400),
      village_standing: clamp(Math.round(2 + 8 * q + 2 * noise()), 0, 10),
      late_months: Math.max(0, Math.round((1 - q) * 12 * rng() - 1.5)),
      loans_repaid: (loan.large ? 1 + Math.floor(3 * rng()) : Math.floor(3 * q * rng())) + repaidHere,
    };
    return loan.rating;
  };

  const investigateTask = (loan: DemoLoan, date: string, d: number) => () => {
    const candidates = eligible('investigation', loan);
    const by = candidates.find((p) => p.id === loan.officer) ?? pick(loan.rng, candidates);
    if (!by) return defer(loan, d, 'investigate');
    const key = `${date}.investigate.${loan.id}`;
    loan.actors.investigation.add(by.id);
    const values = measure(loan);
    const { grade, score, bounds } = rateBorrower(SCORECARD, 1, values);
    const rated = `rated ${grade} (score ${score})`;
    // A grade that allows less than two fifths of what is asked for: the investigator recommends declining.
    if (loan.fate === 'decline' || bounds.maxAmount * 2.5 < loan.amount) {
      send(
        'POST',
        `/loans/${loan.id}/investigation`,
        by.id,
        {
          recommendation: 'decline',
          findings:
            loan.fate === 'decline'
              ? `${pick(loan.rng, [
                  'household income does not cover the instalments; recommend decline',
                  'existing debts at two other lenders; repayment capacity insufficient',
                  'the stated purpose could not be verified with the village committee',
                ])}; ${rated}`
              : `${rated}: at most ${yuan(bounds.maxAmount)}, far below the ${yuan(loan.amount)} applied for; recommend decline`,
          riskPoints: ['repayment-capacity-insufficient'],
          rating: values,
        },
        key,
      );
      loan.status = 'rejected';
      loan.next = null;
      return;
    }
    if (loan.proposed === loan.amount && loan.rng() < 0.15)
      loan.proposed = Math.max(5_000 * CNY, Math.round((loan.amount * (0.7 + 0.2 * loan.rng())) / (1000 * CNY)) * 1000 * CNY);
    // The grade bounds the proposal: no more than it allows, no longer, at a rate within its band.
    const asked = terms(loan);
    loan.proposed = Math.min(loan.proposed, bounds.maxAmount);
    loan.termMonths = Math.min(loan.termMonths, bounds.maxTermMonths);
    loan.rateBps = clamp(loan.rateBps, bounds.minRateBps, bounds.maxRateBps);
    // Above the branch head's authority only where a credit committee can sit on it.
    if (loan.proposed > SENIOR_LIMIT && (loan.withinAuthority || eligible('approval', loan).length < COMMITTEE.size))
      loan.proposed = SENIOR_LIMIT;
    const fitted = loan.proposed < asked.amount || loan.termMonths < asked.termMonths ? '; proposed within what the grade allows' : '';
    const tagged = loan.rng() < (loan.behaviour === 'default' ? 0.5 : 0.08);
    send(
      'POST',
      `/loans/${loan.id}/investigation`,
      by.id,
      {
        recommendation: 'approve',
        findings: `${loan.borrower.id}: ${pick(loan.rng, ['income verified with the village committee', 'site visit done; assets as declared', 'purpose and budget checked against quotes'])}; ${rated}${fitted}`,
        riskPoints: tagged ? [pick(loan.rng, RISK_POINTS[loan.security])] : [],
        proposedTerms: terms(loan),
        rating: values,
      },
      key,
    );
    loan.status = 'investigated';
    schedule(loan, nextDay(loan, d, 1, 2), 'examine');
  };

  const examineTask = (loan: DemoLoan, date: string, d: number) => () => {
    const rel = loan.borrower.relative;
    if (rel?.by && !rel.attempted) {
      const relative = person(rel.by);
      if (relative.post?.post === 'examination' && relative.post.branchId === loan.branchId) {
        rel.attempted = true;
        send(
          'POST',
          `/loans/${loan.id}/examination`,
          relative.id,
          { opinion: 'pass', comments: 'documents complete', riskPoints: [] },
          `${date}.attempt-examine.${loan.id}`,
          403,
          `${relative.id} examines a loan of their ${rel.relation}`,
        );
      }
    }
    const by = pick(loan.rng, eligible('examination', loan));
    if (!by) return defer(loan, d, 'examine');
    const key = `${date}.examine.${loan.id}`;
    loan.actors.examination.add(by.id);
    if (loan.returnFirst) {
      loan.returnFirst = false;
      send(
        'POST',
        `/loans/${loan.id}/examination`,
        by.id,
        {
          opinion: 'return',
          comments: pick(loan.rng, [
            'guarantor income statement missing',
            'land contract copy unreadable; resubmit',
            'budget does not match the quotes attached',
          ]),
          riskPoints: [],
        },
        key,
      );
      loan.status = 'applied';
      schedule(loan, nextDay(loan, d, 2, 4), 'investigate');
      return;
    }
    if (loan.fate === 'exam_reject') {
      send(
        'POST',
        `/loans/${loan.id}/examination`,
        by.id,
        {
          opinion: 'reject',
          comments: pick(loan.rng, ['collateral value does not cover the amount', 'guarantor already guarantees three loans']),
          riskPoints: [pick(loan.rng, RISK_POINTS[loan.security])],
        },
        key,
      );
      loan.status = 'rejected';
      loan.next = null;
      return;
    }
    // Above every approver's authority a committee must be able to sit; without one the file goes back.
    const approvers = eligible('approval', loan);
    if (!approvers.some((p) => (p.post!.limit ?? 0) >= loan.proposed) && approvers.length < COMMITTEE.size) {
      loan.withinAuthority = true;
      send(
        'POST',
        `/loans/${loan.id}/examination`,
        by.id,
        {
          opinion: 'return',
          comments: `no credit committee of ${COMMITTEE.size} can sit on ${yuan(loan.proposed)} at ${loan.branchId}; resubmit within the branch head's authority`,
          riskPoints: [],
        },
        key,
      );
      loan.status = 'applied';
      schedule(loan, nextDay(loan, d, 1, 2), 'investigate');
      return;
    }
    send(
      'POST',
      `/loans/${loan.id}/examination`,
      by.id,
      { opinion: 'pass', comments: 'file complete; terms within policy', riskPoints: [] },
      key,
    );
    loan.status = 'examined';
    schedule(loan, nextDay(loan, d, 1, 2), 'approve');
  };

  const approveTask = (loan: DemoLoan, date: string, d: number) => () => {
    if (loan.selfApprove) {
      loan.selfApprove = false;
      send(
        'POST',
        `/loans/${loan.id}/approval`,
        loan.officer,
        { decision: 'approve', terms: terms(loan), comments: 'approved' },
        `${date}.attempt-approve.${loan.id}`,
        403,
        `investigator ${loan.officer} approves their own loan`,
      );
    }
    const voters = eligible('approval', loan);
    const able = eligible('approval', loan, loan.proposed);
    if (able.length === 0 && voters.length >= COMMITTEE.majority) return committee(loan, voters, date);
    const below = voters.filter((p) => (p.post!.limit ?? 0) < loan.proposed);
    if (loan.proposed > REGULAR_LIMIT && below.length > 0 && able.length > 0 && loan.rng() < 0.12)
      send(
        'POST',
        `/loans/${loan.id}/approval`,
        below[0].id,
        { decision: 'approve', terms: terms(loan), comments: 'approved' },
        `${date}.attempt-approve.${loan.id}`,
        403,
        `${below[0].id} approves above their authority`,
      );
    // The branch head takes the loans above the others' authority, and a share of the rest.
    const by = able.length > 1 && loan.rng() < 0.7 ? (able.find((p) => !seniors.has(p.id)) ?? able[0]) : pick(loan.rng, able);
    if (!by) return defer(loan, d, 'approve');
    const key = `${date}.approve.${loan.id}`;
    loan.actors.approval.add(by.id);
    if (loan.fate === 'approval_reject') {
      const reason = pick(loan.rng, [
        'exposure to the sector is at the branch limit this season',
        'rating too low for an unsecured loan of this size',
      ]);
      send('POST', `/loans/${loan.id}/approval`, by.id, { decision: 'reject', comments: reason }, key);
      loan.status = 'rejected';
      loan.next = null;
      return;
    }
    send(
      'POST',
      `/loans/${loan.id}/approval`,
      by.id,
      { decision: 'approve', terms: terms(loan), comments: 'within the branch credit plan' },
      key,
    );
    loan.status = 'approved';
    schedule(loan, nextDay(loan, d, 1, 3), 'disburse');
  };

  /**
   * Above every approver's authority: each eligible approver votes in turn until a majority carries
   * it either way. One may vote against and be outvoted.
   */
  const committee = (loan: DemoLoan, voters: Person[], date: string) => {
    const rng = loan.rng;
    const order = [...voters];
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(rng() * (i + 1));
      [order[i], order[j]] = [order[j], order[i]];
    }
    const full = order.length >= COMMITTEE.size;
    const grade = `rated ${rateBorrower(SCORECARD, 1, measure(loan)).grade}`;
    const dissent = full && loan.fate === 'ok' && rng() < 0.3 ? 1 : -1;
    let approvals = 0;
    let rejections = 0;
    for (const [i, member] of order.entries()) {
      const approve = full && loan.fate === 'approval_reject' ? false : i !== dissent;
      loan.actors.approval.add(member.id);
      send(
        'POST',
        `/loans/${loan.id}/approval`,
        member.id,
        approve
          ? {
              decision: 'approve',
              terms: terms(loan),
              comments: i === 0 ? `sound firm, ${grade}; the collateral covers the amount` : 'agree with the terms proposed',
              riskPoints: i === 0 ? ['large-exposure'] : [],
            }
          : {
              decision: 'reject',
              comments: pick(rng, ['exposure to one borrower too large for the branch', 'the sector is at its branch limit this season']),
            },
        `${date}.vote.${loan.id}.${member.id}`,
      );
      if (approve) approvals++;
      else rejections++;
      if (approvals >= COMMITTEE.majority) {
        loan.status = 'approved';
        schedule(loan, nextDay(loan, dayIndex.get(date)!, 1, 3), 'disburse');
        return;
      }
      if (rejections > COMMITTEE.size - COMMITTEE.majority) {
        loan.status = 'rejected';
        loan.next = null;
        return;
      }
    }
    throw new DemoFailure(`loan ${loan.id}: the committee at ${loan.branchId} reached no decision`);
  };

  const disburseTask = (loan: DemoLoan, date: string, d: number) => () => {
    if (loan.approverDisburses) {
      loan.approverDisburses = false;
      const approver = [...loan.actors.approval][0];
      send(
        'POST',
        `/loans/${loan.id}/disbursement`,
        approver,
        { amount: loan.proposed },
        `${date}.attempt-disburse.${loan.id}`,
        403,
        `approver ${approver} pays out what they approved`,
      );
    }
    const by = pick(loan.rng, eligible('disbursement', loan));
    if (!by) return defer(loan, d, 'disburse');
    loan.actors.disbursement.add(by.id);
    send('POST', `/loans/${loan.id}/disbursement`, by.id, { amount: loan.proposed }, `${date}.disburse.${loan.id}`);
    loan.status = 'active';
    loan.next = null;
    loan.held = paidOut(loan.id, loan.repayment, terms(loan), by.id, date);
    planRepayments(loan, loan.held, date);
  };

  /**
   * Payments and inspections from the loan's schedule, as the borrower's habits make them: on time
   * (on the due date, recorded the next business day when it falls on a weekend), late (what is due
   * then, penalty and compound interest first), or paid off early.
   */
  const planRepayments = (loan: DemoLoan, state: Loan, disbursedOn: string) => {
    const rows = state.schedule;
    const rng = loan.rng;
    const pay = (date: string, payment: Payment) => {
      const w = work(date).payments;
      if (w.get(loan)?.kind !== 'payoff') w.set(loan, payment);
    };
    const stopAfter = loan.behaviour === 'default' ? (loan.paysFirst ?? between(rng, 0, Math.min(3, rows.length - 1))) : rows.length;
    const payoffAt = loan.behaviour === 'early' && rows.length >= 4 ? between(rng, 2, rows.length - 2) : rows.length + 1;
    // Asked for a few weeks before maturity; the last instalment is then paid by the new maturity.
    const last = rows[rows.length - 1];
    if (loan.extend) {
      loan.extensionMonths = Math.min(state.approvedTerms!.termMonths, pick(rng, [3, 6]));
      later(loan, onOrBefore(addDays(last.dueDate, -between(rng, 5, 20))), 'extend');
    }
    for (const row of rows) {
      if (row.n > stopAfter) {
        loan.troubledInspectionOn = onOrAfter(addDays(row.dueDate, between(rng, 50, 80)));
        break;
      }
      if (row.n === payoffAt) {
        pay(onOrBefore(addDays(row.dueDate, -between(rng, 3, 15))), { kind: 'payoff' });
        break;
      }
      if (loan.extend && row === last) {
        pay(onOrBefore(addDays(addMonths(row.dueDate, loan.extensionMonths), -between(rng, 0, 10))), { kind: 'payoff' });
        break;
      }
      const late = loan.behaviour === 'late' && rng() < 0.5 ? 7 + Math.floor(rng() * rng() * 110) : 0;
      if (late > 0) pay(onOrAfter(addDays(row.dueDate, late)), { kind: 'due' });
      else pay(onOrAfter(row.dueDate), { kind: 'due', paidOn: row.dueDate });
    }
    if (loan.inspection !== 'never') {
      let on = onOrAfter(addDays(disbursedOn, between(rng, 30, 50)));
      const last = state.disbursement!.maturityDate;
      do {
        work(on).inspections.add(loan);
        on = onOrAfter(addDays(on, between(rng, 80, 100)));
      } while (loan.inspection === 'regular' && on < last);
    }
    if (loan.troubledInspectionOn) work(loan.troubledInspectionOn).inspections.add(loan);
  };

  /** The teller records the payment: what it comes to is the loan's own position on the day it was paid. */
  const repayTask = (loan: DemoLoan, payment: Payment, date: string) => () => {
    const by = pick(
      loan.rng,
      holders('disbursement', loan.branchId).filter((p) => !related(p, loan)),
    );
    const state = held(loan);
    // Never before a payment already counted: the loan's interest is struck to that day.
    const struck = state.accrual!.struckOn;
    const paidOn = (payment.paidOn ?? date) < struck ? struck : (payment.paidOn ?? date);
    const position = positionOn(bookOf(state), paidOn);
    const amount = payment.kind === 'payoff' ? position.payoff : position.due;
    if (amount === 0) return;
    send('POST', `/loans/${loan.id}/repayments`, by.id, { amount, paidOn }, `${date}.repay.${loan.id}`);
    loan.held = repaid(state, amount, paidOn, by.id, date);
    if (amount === position.payoff) loan.status = 'closed';
  };

  /** Money that comes in on a written-off claim, recorded by a teller who did not act in approval on the loan. */
  const recoverTask = (loan: DemoLoan, date: string) => () => {
    const by = pick(
      loan.rng,
      holders('disbursement', loan.branchId).filter((p) => !related(p, loan) && !loan.actors.approval.has(p.id)),
    );
    if (!by) return;
    const w = held(loan).writtenOff!;
    const left = w.principal + w.interest + w.penalty - w.recovered.principal - w.recovered.interest - w.recovered.penalty;
    const amount = Math.min(left, Math.max(1, Math.round((w.principal * between(loan.rng, 10, 45)) / 100)));
    if (amount <= 0) return;
    send('POST', `/loans/${loan.id}/recoveries`, by.id, { amount }, `${date}.recover.${loan.id}`);
    loan.held = recovered(held(loan), amount, by.id, date);
  };

  const inspectTask = (loan: DemoLoan, date: string) => () => {
    const by = pick(
      loan.rng,
      holders('inspection', loan.branchId).filter((p) => !related(p, loan)),
    );
    if (!by) return;
    const troubled = loan.troubledInspectionOn === date;
    // A defaulting loan visited again: still nothing paid.
    const arrears = !troubled && loan.troubledInspectionOn !== null && date > loan.troubledInspectionOn;
    const watch = loan.watchList && loan.actors.inspection.size > 0;
    loan.actors.inspection.add(by.id);
    send(
      'POST',
      `/loans/${loan.id}/inspections`,
      by.id,
      troubled
        ? {
            findings: pick(loan.rng, [
              'borrower not reachable; herd sold off',
              'business closed; stock seized by another creditor',
              'crop failed after the flood; no income until next season',
            ]),
            riskPoints: [pick(loan.rng, ['repayment-source-impaired', ...RISK_POINTS[loan.security]])],
            signals: ['late-payment', pick(loan.rng, ['borrower-unreachable', 'income-drop', 'guarantor-trouble'])],
          }
        : arrears
          ? {
              findings: pick(loan.rng, [
                'no payment since the last visit; the borrower promises to pay after the harvest',
                'still in arrears; the family says the borrower works in the city now',
              ]),
              riskPoints: [],
              signals: ['late-payment'],
            }
          : watch
            ? { findings: 'hail damaged half of the crop; income this season will fall short', riskPoints: [], signals: ['income-drop'] }
            : {
                findings: pick(loan.rng, [
                  'funds used as stated; operation normal',
                  'site visit: crop planted as stated',
                  'stock and sales in line with the plan',
                ]),
                riskPoints: [],
                signals: [],
              },
      `${date}.inspect.${loan.id}`,
    );
    if ((troubled && loan.downgrade) || watch) {
      if (watch) loan.watchList = false;
      // How bad the loan already is, end of day's work, the app knows when the act is sent.
      read(loan, by.id);
      sendDerived(
        { rule: 'downgrade', troubled },
        `/loans/${loan.id}/classification`,
        by.id,
        {
          reason: troubled
            ? 'repayment source lost; recovery depends on the guarantee and collateral'
            : 'hail damage: repayment at risk this season',
        },
        `${date}.classify.${loan.id}`,
      );
    }
    if (!troubled && !watch) return;
    // In answer to what was flagged: more security from the account officer within days, or the balance called in now.
    if (loan.response === 'guarantee') later(loan, addDays(date, between(loan.rng, 3, 12)), 'guarantee');
    if (loan.response !== 'recovery' || !troubled) return;
    const state = held(loan);
    const dueOn = [onOrAfter(addDays(date, 30)), onOrBefore(addDays(state.disbursement!.maturityDate, -1))].sort()[0];
    if (dueOn < date || state.earlyRecovery) return;
    const reason = pick(loan.rng, [
      'repayment source lost: the whole balance is called in under the contract',
      'borrower in breach and assets being sold off: the acceleration clause is invoked',
    ]);
    read(loan, by.id);
    sendDerived({ rule: 'resolve-flagged' }, `/loans/${loan.id}/early-recovery`, by.id, { dueOn, reason }, `${date}.recover.${loan.id}`);
    loan.held = recoveryDemanded(state, dueOn, reason, by.id, date);
    if (loan.writeOff) later(loan, addDays(dueOn, between(loan.rng, 7, 20)), 'recovery-review');
  };

  /** More security for a loan at risk: a guarantor (another sound borrower) or collateral an outside firm appraised. */
  const guaranteeTask = (loan: DemoLoan, date: string) => {
    const candidates = eligible('investigation', loan);
    const by = candidates.find((p) => p.id === loan.officer) ?? pick(loan.rng, candidates);
    if (!by) return;
    const state = held(loan);
    const rng = loan.rng;
    const sound = borrowersOf
      .get(loan.branchId)!
      .filter((b) => b !== loan.borrower && registered.has(b.id) && !loans.some((l) => l.borrower === b && l.behaviour === 'default'));
    const kind = sound.length > 0 && rng() < 0.5 ? 'guarantor' : rng() < 0.7 ? 'mortgage' : 'pledge';
    const value = Math.max(1_000 * CNY, Math.round((state.outstanding.principal * (0.6 + 0.6 * rng())) / (1000 * CNY)) * 1000 * CNY);
    const village = loan.borrower.village;
    const guarantee =
      kind === 'guarantor'
        ? { kind, guarantorId: pick(rng, sound).id, value }
        : {
            kind,
            collateral: pick(
              rng,
              kind === 'mortgage'
                ? [
                    `house and courtyard in ${village}`,
                    `contracted land-use right to 20 mu in ${village}`,
                    'two greenhouses and the land-use right under them',
                  ]
                : [
                    'warehouse receipt for 40 t of rice',
                    'a time-deposit certificate at the cooperative',
                    'the registration certificate of a light truck',
                  ],
            ),
            value,
            appraiserId: pick(rng, APPRAISERS),
          };
    loan.actors.investigation.add(by.id);
    read(loan, by.id);
    sendDerived({ rule: 'resolve-flagged' }, `/loans/${loan.id}/guarantees`, by.id, guarantee, `${date}.guarantee.${loan.id}`);
  };

  /** The borrower asks for time before maturity; an approver who did not approve the loan grants it, once. */
  const extendTask = (loan: DemoLoan, date: string) => {
    const by = pick(loan.rng, independent(loan));
    if (!by) return;
    const state = held(loan);
    if (state.extension || date > state.disbursement!.maturityDate) return;
    loan.actors.approval.add(by.id);
    const reason = pick(loan.rng, [
      'the harvest came in late after the cold spring; sold at the autumn market',
      'the buyer pays for the delivered stock after the New Year',
      'prices are low: the produce stays in cold store until they recover',
    ]);
    read(loan, by.id);
    sendDerived(
      { rule: 'resolve-flagged' },
      `/loans/${loan.id}/extension`,
      by.id,
      { months: loan.extensionMonths, reason },
      `${date}.extend.${loan.id}`,
    );
    loan.held = extended(state, loan.extensionMonths, reason, by.id, date);
  };

  /** The demand for early recovery went unanswered: the inspector finds nothing left and classifies the loan loss. */
  const reviewTask = (loan: DemoLoan, date: string) => {
    const by = pick(
      loan.rng,
      holders('inspection', loan.branchId).filter((p) => !related(p, loan)),
    );
    if (!by) return;
    loan.actors.inspection.add(by.id);
    send(
      'POST',
      `/loans/${loan.id}/inspections`,
      by.id,
      {
        findings: 'the demand for early recovery went unanswered; nothing left to seize and the security does not cover the balance',
        riskPoints: ['repayment-source-impaired'],
        signals: ['recovery-failed'],
      },
      `${date}.review.${loan.id}`,
    );
    read(loan, by.id);
    sendDerived(
      { rule: 'loss' },
      `/loans/${loan.id}/classification`,
      by.id,
      { category: 'loss', reason: 'recovery exhausted: nothing left to recover from the borrower or the security' },
      `${date}.classify-loss.${loan.id}`,
    );
    later(loan, addDays(date, between(loan.rng, 1, 7)), 'write-off');
  };

  /** The loss written off by an approver who held none of the three powers on the loan. */
  const writeOffTask = (loan: DemoLoan, date: string) => {
    const by = pick(loan.rng, independent(loan));
    if (!by) return;
    loan.actors.approval.add(by.id);
    read(loan, by.id);
    sendDerived({ rule: 'write-off' }, `/loans/${loan.id}/write-off`, by.id, {}, `${date}.write-off.${loan.id}`);
    loan.held = writtenOff(held(loan), by.id, date);
    loan.status = 'written_off';
    // Some of it comes back later: the guarantor pays part, or the collateral is sold.
    if (loan.rng() < 0.6) {
      work(onOrAfter(addDays(date, between(loan.rng, 20, 60)))).recoveries.add(loan);
      if (loan.rng() < 0.5) work(onOrAfter(addDays(date, between(loan.rng, 90, 150)))).recoveries.add(loan);
    }
  };

  const actTask = (loan: DemoLoan, actions: Action[], date: string) => () => {
    for (const action of actions) {
      if (loan.status !== 'active') return;
      if (action === 'guarantee') guaranteeTask(loan, date);
      else if (action === 'extend') extendTask(loan, date);
      else if (action === 'recovery-review') reviewTask(loan, date);
      else writeOffTask(loan, date);
    }
  };

  // ---- staff changes: the first day's set-up, rotations every six months --------------------------
  const setUp = (date: string) => {
    phase(
      date,
      'register-staff',
      people.map((p) => () => admin.register(p, `${date}.register.${p.id}`)),
    );
    phase(
      date,
      'assign-posts',
      people.map((p) => () => admin.assign(p, p.post!.post, p.post!.branchId, `${date}.assign.${p.id}`, p.post!.limit)),
    );
    phase(date, 'configure', [
      () => {
        send('PUT', '/config/structure-targets', ADMIN, STRUCTURE_TARGETS, `${date}.structure-targets`);
        send('PUT', '/config/policy-settings', ADMIN, POLICY_SETTINGS, `${date}.policy-settings`);
        // The risk side: the scorecard every approval is bounded by, the risk points acts may tag, the warning rules.
        send('PUT', '/config/scorecard', ADMIN, { ...SCORECARD }, `${date}.scorecard`);
        send('PUT', '/config/risk-points', ADMIN, { points: RISK_POINT_CATALOGUE }, `${date}.risk-points`);
        send('PUT', '/config/warning-rules', ADMIN, { ...DEFAULT_WARNING_RULES }, `${date}.warning-rules`);
        // The static rule, tried once: an examiner cannot also take an approval post.
        const examiner = holders('examination', branches[0])[0];
        send(
          'POST',
          `/staff/${examiner.id}/posts`,
          ADMIN,
          { post: 'approval', branchId: branches[0], approvalLimit: REGULAR_LIMIT },
          `${date}.assign-conflicting.${examiner.id}`,
          409,
          'an examiner given an approval post',
        );
        // And an administrator, who manages staff, tries to register a borrower.
        send(
          'POST',
          '/borrowers',
          ADMIN,
          {
            borrowerId: 'B-ADMIN-1',
            name: 'Admin test household',
            kind: 'household',
            village: 'Nowhere',
            sector: 'grain',
            identityNumber: residentIdFor(0),
          },
          `${date}.attempt-register.B-ADMIN-1`,
          403,
          'an administrator acts as credit staff',
        );
      },
    ]);
  };

  const rotate = (date: string, round: number) => {
    const rng = subRng(seed, 4, round);
    let step = 0;
    const key = (what: string) => `${date}.rotate-${step++}.${what}`;
    for (const [b, branchId] of branches.entries()) {
      const variant = (b + round) % 3;
      if (variant === 0) {
        // An investigator and a disbursement officer trade posts.
        const i = pick(rng, holders('investigation', branchId));
        const o = pick(rng, holders('disbursement', branchId));
        if (!i || !o) continue;
        admin.revoke(i, key(i.id));
        admin.revoke(o, key(o.id));
        admin.assign(i, 'disbursement', branchId, key(i.id));
        admin.assign(o, 'investigation', branchId, key(o.id));
      } else if (variant === 1) {
        // The branch approver moves to disbursement, an investigator becomes an approver.
        const a = holders('approval', branchId).find((p) => !seniors.has(p.id));
        const i = pick(rng, holders('investigation', branchId));
        if (!a || !i || holders('investigation', branchId).length < 2) continue;
        admin.revoke(a, key(a.id));
        admin.revoke(i, key(i.id));
        admin.assign(a, 'disbursement', branchId, key(a.id));
        admin.assign(i, 'approval', branchId, key(i.id), REGULAR_LIMIT);
        // Holding the approval post now, they may not also examine elsewhere (static rule).
        const other = branches[(b + 1) % branches.length];
        send(
          'POST',
          `/staff/${i.id}/posts`,
          ADMIN,
          { post: 'examination', branchId: other },
          key(`${i.id}-conflict`),
          409,
          `${i.id} holds approval and is given examination`,
        );
        // Rotation does not wash the past: each tries their old loans in the new post.
        const mine = (f: (l: DemoLoan) => boolean) =>
          loans.filter((l) => l.branchId === branchId && l.status !== 'planned' && f(l)).sort((x, y) => y.n - x.n)[0];
        const investigated = mine((l) => l.actors.investigation.has(i.id) && l.proposed <= REGULAR_LIMIT && !l.actors.approval.size);
        if (investigated)
          send(
            'POST',
            `/loans/${investigated.id}/approval`,
            i.id,
            { decision: 'approve', terms: terms(investigated), comments: 'approved' },
            key(`attempt-approve-${investigated.id}`),
            403,
            `${i.id} approves a loan they investigated`,
          );
        const approved = mine((l) => l.actors.approval.has(a.id));
        if (approved)
          send(
            'POST',
            `/loans/${approved.id}/disbursement`,
            a.id,
            { amount: approved.proposed },
            key(`attempt-disburse-${approved.id}`),
            403,
            `${a.id} pays out a loan they approved`,
          );
      } else if (branches.length > 1) {
        // Inspectors swap branches.
        const other = branches[(b + 1) % branches.length];
        const x = pick(rng, holders('inspection', branchId));
        const y = pick(rng, holders('inspection', other));
        if (!x || !y) continue;
        admin.revoke(x, key(x.id));
        admin.revoke(y, key(y.id));
        admin.assign(x, 'inspection', other, key(x.id));
        admin.assign(y, 'inspection', branchId, key(y.id));
      }
    }
  };

  const declareRelations = (d: number) => {
    for (const b of borrowers) {
      if (b.firstDay !== d || !b.relative || b.relative.declared) continue;
      const examiner = holders('examination', b.branchId)[0];
      if (!examiner) continue;
      b.relative.declared = true;
      b.relative.by = examiner.id;
      examiner.relations.add(b.id);
      send(
        'POST',
        `/staff/${examiner.id}/relations`,
        ADMIN,
        { borrowerId: b.id, relation: b.relative.relation },
        `${days[d]}.relation.${examiner.id}.${b.id}`,
      );
    }
  };

  // ---- the walk ----------------------------------------------------------------------------------
  const rotationDays = new Map<number, number>();
  for (let round = 1; 6 * round < months; round++) {
    const d = dayIndex.get(onOrAfter(addMonths(start, 6 * round)));
    if (d !== undefined) rotationDays.set(d, round);
  }
  let applied = 0;
  for (const [d, date] of days.entries()) {
    if (d === 0) setUp(date);
    if (rotationDays.has(d)) phase(date, 'rotate', [() => rotate(date, rotationDays.get(d)!)]);
    phase(date, 'relations', [() => declareRelations(d)]);
    // Each loan takes at most one pipeline step a day: the one it was due for this morning.
    const due = [...new Set(pipeline.get(d) ?? [])]
      .filter((l) => l.next?.day === d)
      .sort((x, y) => x.n - y.n)
      .map((l) => [l, l.next!.step] as const);
    pipeline.delete(d);
    // A borrower's file is rated by one investigation at a time: a second of theirs waits a day.
    const investigating = new Set<string>();
    const stepTasks = (step: Step, make: (l: DemoLoan, date: string, d: number) => () => void) =>
      due
        .filter(([l, s]) => {
          if (s !== step) return false;
          if (step !== 'investigate') return true;
          if (investigating.has(l.borrower.id)) {
            schedule(l, d + 1, step);
            return false;
          }
          investigating.add(l.borrower.id);
          return true;
        })
        .map(([l]) => make(l, date, d));
    const applying = stepTasks('apply', applyTask);
    applied += applying.length;
    phase(date, 'apply', applying);
    phase(date, 'investigate', stepTasks('investigate', investigateTask));
    phase(date, 'examine', stepTasks('examine', examineTask));
    phase(date, 'approve', stepTasks('approve', approveTask));
    phase(date, 'disburse', stepTasks('disburse', disburseTask));
    const today = dated.get(date);
    dated.delete(date);
    if (today) {
      const payments = [...today.payments].filter(([l]) => l.status === 'active').sort(([x], [y]) => x.n - y.n);
      phase(
        date,
        'repay',
        payments.map(([l, payment]) => repayTask(l, payment, date)),
      );
      const inspections = [...today.inspections].filter((l) => l.status === 'active').sort((x, y) => x.n - y.n);
      phase(
        date,
        'inspect',
        inspections.map((l) => inspectTask(l, date)),
      );
      const actions = [...today.actions].filter(([l]) => l.status === 'active').sort(([x], [y]) => x.n - y.n);
      phase(
        date,
        'act',
        actions.map(([l, list]) => actTask(l, list, date)),
      );
      const recoveries = [...today.recoveries].filter((l) => l.status === 'written_off').sort((x, y) => x.n - y.n);
      phase(
        date,
        'recover',
        recoveries.map((l) => recoverTask(l, date)),
      );
    }
    if (d === days.length - 1 || days[d + 1].slice(0, 7) !== date.slice(0, 7))
      progress.push({
        day: date,
        applied,
        active: loans.filter((l) => l.status === 'active').length,
        closed: loans.filter((l) => l.status === 'closed').length,
      });
  }
  return { acts, progress, borrowers: registered.size };
}
