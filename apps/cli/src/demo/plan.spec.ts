import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { DemoAct, DemoPlanInput, PHASES, planDemo } from './plan';

/** The demo's plan: pure data from a seed and a date, which the runner only sends. */
const input: DemoPlanInput = { seed: 8, loans: 120, months: 14, branches: 3, staff: 30, start: '2024-03-04', today: '2025-07-04' };
const plan = planDemo(input);

/** The loan an act is on: the one it applies for, or the one its path names. */
const loanOf = (act: DemoAct) => (act.path === '/loans' ? String(act.body!.loanId) : /^\/loans\/(L-\d+)/.exec(act.path)?.[1]);

/** Where an act on a loan comes in its life; a file sent back by the examiner is investigated again. */
const STAGES: [RegExp, number][] = [
  [/^\/loans$/, 0],
  [/\/investigation$/, 1],
  [/\/examination$/, 2],
  [/\/approval$/, 3],
  [/\/disbursement$/, 4],
  [/\/(repayments|inspections|classification|guarantees|extension|early-recovery)$/, 5],
  [/\/write-off$/, 6],
  [/\/recoveries$/, 7],
];
const stageOf = (act: DemoAct) => STAGES.find(([path]) => path.test(act.path))![1];

const IMPURE: [RegExp, string][] = [
  [/Date\.now\s*\(|\bDate\s*\(\s*\)|performance\.now\s*\(/, 'reads the clock'],
  [/Math\.random\s*\(|\bcrypto\./, 'draws randomness'],
  [/\bprocess\./, 'reads the process environment'],
  [/\b(setTimeout|setInterval|setImmediate|fetch|require|import)\s*\(/, 'does I/O, schedules work or loads modules'],
];

/**
 * What the module and everything it imports (relatively) do that a pure plan must not: import
 * anything but the domain, read a clock, draw randomness, read the environment, do I/O.
 */
function impurities(entry: string): { found: string[]; files: string[] } {
  const seen = new Set<string>();
  const found: string[] = [];
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const text = readFileSync(file, 'utf8');
    for (const [pattern, what] of IMPURE) if (pattern.test(text)) found.push(`${basename(file)} ${what}`);
    for (const [, specifier] of text.matchAll(/\bfrom\s+'([^']+)'/g)) {
      if (specifier.startsWith('./')) visit(join(dirname(file), `${specifier}.ts`));
      else if (!/^@loanflow\/domain(\/|$)/.test(specifier)) found.push(`${basename(file)} imports ${specifier}`);
    }
  };
  visit(entry);
  return { found, files: [...seen] };
}

describe('the demo plan', () => {
  it('is the same plan for the same seed and date, plain data that JSON gives back unchanged', () => {
    const again = planDemo({ ...input });
    expect(again).toEqual(plan);
    expect(JSON.parse(JSON.stringify(plan))).toEqual(plan);
    expect(plan.acts.length).toBeGreaterThan(1000);
  });

  it('is another plan for another seed', () => {
    const other = planDemo({ ...input, seed: 9 });
    expect(other.days).toEqual(plan.days);
    expect(other.acts).not.toEqual(plan.acts);
    expect(other.acts.filter((a) => a.path === '/loans').map((a) => a.body)).not.toEqual(
      plan.acts.filter((a) => a.path === '/loans').map((a) => a.body),
    );
  });

  it('ends its calendar before the today it is given, without reading a clock', () => {
    const recent = planDemo({ ...input, start: undefined, months: 3 });
    expect(recent.start).toBe('2025-04-04');
    expect(recent.end).toBe('2025-07-04');
    expect(recent.days.at(-1)).toBe('2025-07-03');
    expect(planDemo({ ...input, start: undefined, months: 3 })).toEqual(recent);
    expect(() => planDemo({ ...input, start: '2025-07-03' })).toThrow(/fewer than two business days/);
  });

  it('dates every act on a business day of its period, in order of day, phase and task', () => {
    const dayIndex = new Map(plan.days.map((d, i) => [d, i]));
    const phases = Object.keys(PHASES);
    const place = (a: DemoAct) => [dayIndex.get(a.day)!, phases.indexOf(a.phase), a.task];
    for (const act of plan.acts) expect(dayIndex.has(act.day)).toBe(true);
    plan.acts.slice(1).forEach((act, i) => {
      const [before, now] = [place(plan.acts[i]), place(act)];
      const order = before[0] - now[0] || before[1] - now[1] || before[2] - now[2];
      expect({ act, order: order <= 0 }).toEqual({ act, order: true });
    });
    expect(plan.acts[0].day).toBe(plan.days[0]);
    expect(new Set(plan.acts.map((a) => a.day)).size).toBeGreaterThan(plan.days.length / 2);
  });

  it('takes every loan through its workflow in order: applied, investigated, examined, approved, paid out, then repaid, watched and dealt with', () => {
    const byLoan = new Map<string, DemoAct[]>();
    for (const act of plan.acts.filter((a) => a.method !== 'GET' && a.expect === undefined)) {
      const loan = loanOf(act);
      if (loan) byLoan.set(loan, [...(byLoan.get(loan) ?? []), act]);
    }
    expect(byLoan.size).toBe(plan.acts.filter((a) => a.path === '/loans').length);
    const reached = new Set<number>();
    for (const [loan, acts] of byLoan) {
      expect([loan, stageOf(acts[0])]).toEqual([loan, 0]);
      let stage = 0;
      acts.forEach((act, i) => {
        const next = stageOf(act);
        // Sent back by the examiner: investigated again.
        const sentBack = next === 1 && stage === 2 && acts[i - 1].body?.opinion === 'return';
        if (next < stage && !sentBack) throw new Error(`${loan}: ${act.method} ${act.path} on ${act.day} after stage ${stage}`);
        // Nothing but recoveries after a write-off.
        if (stage === 6 && next !== 7) throw new Error(`${loan}: ${act.path} after its write-off`);
        stage = next;
        reached.add(next);
      });
    }
    expect([...reached].sort()).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it('moves money in whole cents, and derives only what it read first in the same task', () => {
    const amounts: unknown[] = [];
    const collect = (value: unknown): void => {
      if (Array.isArray(value)) value.forEach(collect);
      else if (value && typeof value === 'object')
        for (const [key, v] of Object.entries(value)) {
          if (['amount', 'value', 'approvalLimit', 'maxAmount'].includes(key)) amounts.push(v);
          collect(v);
        }
    };
    plan.acts.forEach((act) => collect(act.body));
    expect(amounts.length).toBeGreaterThan(500);
    expect(amounts.filter((a) => !(Number.isInteger(a) && (a as number) > 0))).toEqual([]);
    plan.acts.forEach((act, i) => {
      if (!act.derive) return;
      const task = plan.acts.slice(0, i).filter((a) => a.day === act.day && a.phase === act.phase && a.task === act.task);
      expect(task.some((a) => a.keep)).toBe(true);
    });
  });

  it("shows each kind of trouble, refusal and the credit committee, and ends with the loans' statuses it made", () => {
    const paths = plan.acts.map((a) => `${a.method} ${a.path.replace(/L-\d+|S-\d+/g, ':id')}`);
    for (const path of [
      'POST /loans/:id/write-off',
      'POST /loans/:id/recoveries',
      'POST /loans/:id/extension',
      'POST /loans/:id/guarantees',
      'POST /loans/:id/early-recovery',
      'DELETE /staff/:id/posts/investigation',
    ])
      expect(paths).toContain(path);
    expect(plan.acts.filter((a) => a.expect === 403).length).toBeGreaterThanOrEqual(3);
    expect(plan.acts.filter((a) => a.expect === 409).length).toBeGreaterThanOrEqual(1);
    expect(plan.acts.some((a) => a.key?.includes('.vote.'))).toBe(true);
    const applied = plan.acts.filter((a) => a.path === '/loans').length;
    expect(Object.values(plan.loansByStatus).reduce((a, b) => a + b, 0)).toBe(applied);
    expect(plan.loansByStatus).toMatchObject({ active: expect.any(Number), closed: expect.any(Number), written_off: expect.any(Number) });
  });

  it('imports nothing but itself and the domain, and reads no clock, randomness or environment', () => {
    const { found, files } = impurities(join(__dirname, 'plan.ts'));
    expect(found).toEqual([]);
    expect(files.map((f) => basename(f, '.ts')).sort()).toEqual([
      'books',
      'calendar',
      'cooperative',
      'derive',
      'draw',
      'plan',
      'random',
      'walk',
    ]);
  });

  it('would notice an import with I/O, a framework, a clock read or randomness anywhere it imports', () => {
    const dir = mkdtempSync(join(tmpdir(), 'demo-purity-'));
    try {
      writeFileSync(join(dir, 'plan.ts'), "import { addDays } from '@loanflow/domain';\nexport * from './helper';\n");
      writeFileSync(
        join(dir, 'helper.ts'),
        "import { readFileSync } from 'node:fs';\nimport { Injectable } from '@nestjs/common';\nexport const at = Date.now();\nexport const r = Math.random();\n",
      );
      expect(impurities(join(dir, 'plan.ts')).found).toEqual([
        'helper.ts reads the clock',
        'helper.ts draws randomness',
        'helper.ts imports node:fs',
        'helper.ts imports @nestjs/common',
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
