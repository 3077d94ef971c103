import { Loan, Post, RepaymentMethod, Relation, Security } from '@loanflow/domain';
import { identityNumberFor } from '@loanflow/domain/borrower/sample-identities';
import {
  AGRICULTURAL,
  BRANCH_TOWNS,
  CNY,
  DEPUTY_LIMIT,
  GIVEN,
  NON_AGRICULTURAL_HOUSEHOLD_PURPOSES,
  PURPOSES,
  REGULAR_LIMIT,
  Sector,
  SENIOR_LIMIT,
  SURNAMES,
  VILLAGES,
} from './cooperative';
import { between, pick, Rng, subRng, weighted } from './random';

/**
 * Who and what the seed makes before the first day: the branches' staff, the borrowers, and every
 * loan with the fate, habits and trouble it will have. The walk (walk.ts) then takes them day by day.
 */
export interface Person {
  id: string;
  name: string;
  homeBranch: string;
  post: { post: Post; branchId: string; limit?: number } | null;
  relations: Set<string>;
}

export interface Borrower {
  id: string;
  name: string;
  kind: 'household' | 'business';
  /** Made up from the borrower's place in the plan: valid, and the same for the same seed. */
  identityNumber: string;
  village: string;
  sector: Sector;
  branchId: string;
  /** Business day of the first loan application: the borrower is registered then. */
  firstDay: number;
  /** A staff member who declares a relation to this borrower on that day. */
  relative: { relation: Relation; declared: boolean; by: string | null; attempted: boolean } | null;
}

export type Fate = 'decline' | 'exam_reject' | 'approval_reject' | 'ok';
export type Behaviour = 'on_time' | 'late' | 'default' | 'early';
export type Step = 'apply' | 'investigate' | 'examine' | 'approve' | 'disburse';
export type LocalStatus =
  'planned' | 'applied' | 'investigated' | 'examined' | 'approved' | 'rejected' | 'active' | 'closed' | 'written_off';
/** What officers do on a later day about a loan at risk, or for a borrower who asks. */
export type Action = 'guarantee' | 'extend' | 'recovery-review' | 'write-off';

export interface DemoLoan {
  id: string;
  n: number;
  rng: Rng;
  branchId: string;
  borrower: Borrower;
  applyDay: number;
  purpose: string;
  sector: Sector;
  agricultural: boolean;
  security: Security;
  amount: number;
  termMonths: number;
  repayment: RepaymentMethod;
  rateBps: number;
  fate: Fate;
  returnFirst: boolean;
  behaviour: Behaviour;
  inspection: 'regular' | 'lapsed' | 'never';
  selfApprove: boolean;
  approverDisburses: boolean;
  watchList: boolean;
  downgrade: boolean;
  /** Above every single approver's authority: the credit committee decides. */
  large: boolean;
  /** What the officers do about the trouble a defaulting or watched loan shows. */
  response: 'recovery' | 'guarantee' | null;
  /** After an unanswered demand for early recovery, the loss is written off. */
  writeOff: boolean;
  /** The borrower asks for more time before maturity; another approver grants it. */
  extend: boolean;
  /** How many instalments a defaulting borrower pays before stopping; null: as it falls. */
  paysFirst: number | null;
  // as the demo walks
  status: LocalStatus;
  next: { day: number; step: Step } | null;
  deferrals: number;
  officer: string;
  actors: Record<Post, Set<string>>;
  proposed: number;
  troubledInspectionOn: string | null;
  /** The investigator's measured value of each scorecard factor; a file sent back keeps them. */
  rating: Record<string, number> | null;
  /** No credit committee could sit on it: the file comes back within the branch head's authority. */
  withinAuthority: boolean;
  /** How long the extension the borrower asks for is, once the approved term is known. */
  extensionMonths: number;
  /** The loan as the app holds it once paid out, as far as its money goes (books.ts). */
  held: Loan | null;
}

export interface Cooperative {
  branches: string[];
  people: Person[];
  /** The branch heads, who approve the large loans. */
  seniors: Set<string>;
  borrowers: Borrower[];
  borrowersOf: Map<string, Borrower[]>;
  loans: DemoLoan[];
}

export interface DrawInput {
  seed: number;
  loans: number;
  branches: number;
  staff: number;
}

/** Draws the cooperative over `days` business days: the same seed and days give the same one. */
export function drawCooperative(input: DrawInput, days: readonly string[]): Cooperative {
  const branches = Array.from({ length: input.branches }, (_, i) => `BR-${String(i + 1).padStart(2, '0')}`);
  const staffRng = subRng(input.seed, 1);
  const people: Person[] = [];
  // With ten or more a branch has a deputy head too, so its credit committee of three can sit.
  const roles: [Post, number?][] = [
    ['approval', SENIOR_LIMIT],
    ['approval', REGULAR_LIMIT],
    ['investigation'],
    ['investigation'],
    ['approval', DEPUTY_LIMIT],
    ['examination'],
    ['examination'],
    ['disbursement'],
    ['disbursement'],
    ['inspection'],
  ];
  const extras: Post[] = ['investigation', 'disbursement', 'inspection', 'examination'];
  const perBranch = Array.from(
    { length: input.branches },
    (_, b) => Math.floor(input.staff / input.branches) + (b < input.staff % input.branches ? 1 : 0),
  );
  const usedNames = new Set<string>();
  branches.forEach((branchId, b) => {
    for (let k = 0; k < perBranch[b]; k++) {
      // The minimum crew first (no deputy head when staff is short), then extras in turn.
      const base = perBranch[b] >= roles.length ? roles : roles.filter((_, i) => i !== 4);
      const [post, limit] = k < base.length ? base[k] : [extras[(k - base.length) % extras.length]];
      let name: string;
      do name = `${pick(staffRng, SURNAMES)} ${pick(staffRng, GIVEN)}`;
      while (usedNames.has(name) && usedNames.size < SURNAMES.length * GIVEN.length);
      usedNames.add(name);
      people.push({
        id: `S-${String(b + 1).padStart(2, '0')}${String(k + 1).padStart(2, '0')}`,
        name,
        homeBranch: branchId,
        post: { post, branchId, ...(limit !== undefined ? { limit } : {}) },
        relations: new Set(),
      });
    }
  });
  const seniors = new Set(people.filter((p) => p.post?.limit === SENIOR_LIMIT).map((p) => p.id));

  // Applications spread over the business days, busier in the sowing and harvest seasons.
  const planRng = subRng(input.seed, 2);
  const seasonal = (date: string) => {
    const month = Number(date.slice(5, 7));
    return 1 + ([2, 3, 4].includes(month) ? 0.6 : 0) + ([9, 10].includes(month) ? 0.3 : 0);
  };
  const dayWeights = days.map((d, i): [number, number] => [i, i === 0 ? 0 : seasonal(d)]);
  const branchWeights = branches.map((b, i): [string, number] => [b, i === 0 ? 1.5 : 1]);
  const applyDays = Array.from({ length: input.loans }, () => weighted(planRng, dayWeights)).sort((a, b) => a - b);
  const borrowers: Borrower[] = [];
  const borrowersOf = new Map<string, Borrower[]>(branches.map((b) => [b, []]));
  // Each branch serves its market town and five villages around it.
  const villagesOf = new Map(
    branches.map((b, i) => [
      b,
      [BRANCH_TOWNS[i % BRANCH_TOWNS.length], ...Array.from({ length: 5 }, (_, k) => VILLAGES[(i * 5 + k) % VILLAGES.length])],
    ]),
  );
  const loans: DemoLoan[] = applyDays.map((applyDay, i) => {
    const rng = subRng(input.seed, 3, i);
    const branchId = weighted(rng, branchWeights);
    const earlier = borrowersOf.get(branchId)!.filter((x) => x.firstDay < applyDay);
    let borrower: Borrower;
    if (earlier.length > 0 && rng() < 0.18) borrower = pick(rng, earlier);
    else {
      const kind = rng() < 0.72 ? 'household' : 'business';
      const sector: Sector =
        kind === 'household'
          ? weighted(rng, [
              ['grain', 4],
              ['livestock', 3],
              ['orchards', 2],
              ['vegetables', 2],
              ['aquaculture', 1],
              ['retail', 1],
              ['transport', 1],
            ] as const)
          : weighted(rng, [
              ['agri-processing', 3],
              ['retail', 2],
              ['transport', 2],
              ['livestock', 1],
              ['aquaculture', 1],
              ['grain', 1],
            ] as const);
      const village = pick(rng, villagesOf.get(branchId)!);
      const surname = pick(rng, SURNAMES);
      const businessName: Record<Sector, string> = {
        grain: `${village} grain growers co-operative`,
        livestock: `${surname} family pig farm`,
        aquaculture: `${village} fish ponds`,
        orchards: `${surname} apple orchard`,
        vegetables: `${village} greenhouse vegetables`,
        'agri-processing': `${village} ${pick(rng, ['rice mill', 'feed mill', 'fruit cold store', 'oil press'])}`,
        retail: `${surname}'s farm supply store`,
        transport: `${surname} freight haulage`,
      };
      const seq = borrowersOf.get(branchId)!.length + 1;
      borrower = {
        id: `B-${branchId.slice(3)}-${String(seq).padStart(4, '0')}`,
        name: kind === 'household' ? `${surname} ${pick(rng, GIVEN)} household` : businessName[sector],
        kind,
        identityNumber: identityNumberFor(kind, borrowers.length + 1),
        village,
        sector,
        branchId,
        firstDay: applyDay,
        relative:
          rng() < 0.005
            ? {
                relation: pick(rng, ['spouse', 'sibling', 'relative', 'business_partner'] as const),
                declared: false,
                by: null,
                attempted: false,
              }
            : null,
      };
      borrowers.push(borrower);
      borrowersOf.get(branchId)!.push(borrower);
    }
    const sector = borrower.sector;
    const agricultural = borrower.kind === 'household' && rng() < 0.1 ? false : rng() < AGRICULTURAL[sector];
    const purpose =
      agricultural || AGRICULTURAL[sector] === 0
        ? pick(rng, PURPOSES[sector])
        : pick(rng, borrower.kind === 'household' ? NON_AGRICULTURAL_HOUSEHOLD_PURPOSES : PURPOSES[sector]);
    const [lo, hi] = borrower.kind === 'household' ? [5_000, 200_000] : [50_000, 800_000];
    const amountCny = Math.max(lo, Math.round(Math.exp(Math.log(lo) + rng() * rng() * (Math.log(hi) - Math.log(lo))) / 1000) * 1000);
    // A few established firms ask for more than any one approver may grant: the credit committee decides.
    const large = borrower.kind === 'business' && rng() < 0.02;
    const amount = large ? between(rng, 85, 99) * 10_000 * CNY : Math.min(hi, amountCny) * CNY;
    const security: Security =
      amount <= 100_000 * CNY
        ? weighted(rng, [
            ['credit', 45],
            ['guaranteed', 35],
            ['mortgage', 12],
            ['pledge', 8],
          ] as const)
        : weighted(rng, [
            ['credit', 8],
            ['guaranteed', 37],
            ['mortgage', 40],
            ['pledge', 15],
          ] as const);
    const termMonths = weighted(rng, [
      [6, 12],
      [12, 34],
      [18, 8],
      [24, 20],
      [36, 14],
      [48, 5],
      [60, 7],
    ] as const);
    const repayment: RepaymentMethod =
      termMonths <= 12
        ? weighted(rng, [
            ['bullet', 50],
            ['equal_principal', 25],
            ['annuity', 25],
          ] as const)
        : weighted(rng, [
            ['bullet', 10],
            ['equal_principal', 45],
            ['annuity', 45],
          ] as const);
    const [rlo, rhi] = { credit: [720, 1080], guaranteed: [600, 900], mortgage: [480, 700], pledge: [435, 600] }[security];
    const r = rng();
    const fate: Fate = r < 0.03 ? 'decline' : r < 0.06 ? 'exam_reject' : r < 0.09 ? 'approval_reject' : 'ok';
    // Defaults among the loans of the first half or so, so they can turn non-performing in the period.
    const early = applyDay < days.length * 0.55;
    const b = rng();
    const behaviour: Behaviour =
      early && b < 0.04 / 0.55 ? 'default' : b < 0.17 ? 'late' : b < 0.22 && termMonths >= 12 ? 'early' : 'on_time';
    return {
      id: `L-${String(i + 1).padStart(5, '0')}`,
      n: i,
      rng,
      branchId,
      borrower,
      applyDay,
      purpose,
      sector,
      agricultural,
      security,
      amount,
      termMonths,
      repayment,
      rateBps: Math.round(between(rng, rlo, rhi) / 5) * 5,
      fate,
      returnFirst: fate !== 'decline' && rng() < 0.06,
      behaviour,
      inspection: weighted(rng, [
        ['regular', 80],
        ['lapsed', 12],
        ['never', 8],
      ] as const),
      selfApprove: rng() < 0.004,
      approverDisburses: rng() < 0.004,
      watchList: behaviour === 'on_time' && rng() < 0.015,
      downgrade: behaviour === 'default' && rng() < 0.6,
      large,
      response: null,
      writeOff: false,
      extend: false,
      paysFirst: null,
      status: 'planned',
      next: { day: applyDay, step: 'apply' },
      deferrals: 0,
      officer: '',
      actors: { investigation: new Set(), examination: new Set(), approval: new Set(), disbursement: new Set(), inspection: new Set() },
      proposed: amount,
      troubledInspectionOn: null,
      rating: null,
      withinAuthority: false,
      extensionMonths: 0,
      held: null,
    };
  });
  // However small the demo, it shows each kind of trouble at least once.
  const firstOk = loans.filter((l) => l.fate === 'ok');
  // Two defaults early in the period (one to write off, one left non-performing), on amounts no grade declines.
  const earlyOn = (l: DemoLoan) => l.applyDay < days.length * 0.25;
  const mayDefault = firstOk.filter((l) => earlyOn(l) && l.amount <= 75_000 * CNY && l.behaviour !== 'default');
  for (let n = firstOk.filter((l) => earlyOn(l) && l.behaviour === 'default').length; n < 2 && mayDefault.length > 0; n++)
    Object.assign(mayDefault.shift()!, { behaviour: 'default', paysFirst: 0 });
  if (firstOk.length > 1 && !loans.some((l) => l.selfApprove)) firstOk[1].selfApprove = true;
  if (firstOk.length > 2 && !loans.some((l) => l.approverDisburses)) firstOk[2].approverDisburses = true;
  if (borrowers.length > 0 && !borrowers.some((x) => x.relative))
    borrowers[borrowers.length >> 1].relative = { relation: 'sibling', declared: false, by: null, attempted: false };
  for (const l of loans) if (l.behaviour === 'default' && !loans.some((x) => x.downgrade)) l.downgrade = true;
  const largeOk = (l: DemoLoan) => l.large && l.fate === 'ok' && l.behaviour !== 'default';
  const forLarge = loans.find(
    (l) => l.fate === 'ok' && l.behaviour !== 'default' && l.borrower.kind === 'business' && l.applyDay < days.length - 15,
  );
  if (!loans.some(largeOk) && forLarge)
    Object.assign(forLarge, { large: true, amount: 900_000 * CNY, proposed: 900_000 * CNY, security: 'mortgage' });
  // What is done about trouble, decided once the behaviours are settled.
  for (const l of loans) {
    if (l.behaviour === 'default') {
      const r = l.rng();
      l.response = r < 0.55 ? 'recovery' : r < 0.8 ? 'guarantee' : null;
      l.writeOff = l.response === 'recovery' && l.rng() < 0.3;
    } else if (l.watchList) l.response = l.rng() < 0.6 ? 'guarantee' : null;
    l.extend = l.fate === 'ok' && l.behaviour === 'on_time' && !l.large && l.rng() < 0.03;
  }
  const defaulting = loans.filter((l) => l.fate === 'ok' && l.behaviour === 'default' && earlyOn(l));
  if (defaulting.length > 1) {
    if (!defaulting.some((l) => l.writeOff)) Object.assign(defaulting[0], { response: 'recovery', writeOff: true });
    if (defaulting.every((l) => l.writeOff)) defaulting[defaulting.length - 1].writeOff = false;
    if (!loans.some((l) => l.response === 'guarantee' && l.fate === 'ok')) defaulting.find((l) => !l.writeOff)!.response = 'guarantee';
  }
  const kept = defaulting.find((l) => !l.writeOff);
  if (kept && !defaulting.some((l) => l.downgrade && !l.writeOff)) kept.downgrade = true;
  // One whose maturity the period reaches, if any does.
  const forExtension = loans.find(
    (l) => l.fate === 'ok' && l.behaviour === 'on_time' && !l.large && l.applyDay + 12 + l.termMonths * 22 < days.length,
  );
  if (!loans.some((l) => l.extend) && forExtension) forExtension.extend = true;

  return { branches, people, seniors, borrowers, borrowersOf, loans };
}
