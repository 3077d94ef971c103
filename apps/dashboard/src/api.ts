import { useEffect, useState } from 'react';

/** The token lives in sessionStorage: it is this tab's, and goes when the tab closes. */
const TOKEN_KEY = 'loanflow.token';

export const session = {
  token: (): string | null => sessionStorage.getItem(TOKEN_KEY),
  set: (token: string) => sessionStorage.setItem(TOKEN_KEY, token),
  clear: () => sessionStorage.removeItem(TOKEN_KEY),
};

/** An RFC 9457 problem the API answered, or a failure to reach it. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly title: string,
    readonly detail: string,
  ) {
    super(`${status} ${code}: ${detail}`);
  }
}

/** Called when the API refuses the token (401): the app goes back to sign-in. */
let onUnauthenticated: () => void = () => undefined;
export function whenUnauthenticated(handler: () => void): void {
  onUnauthenticated = handler;
}

/** GET a route of the API with the session's token. */
export async function get<T>(path: string, query: Record<string, string | undefined> = {}): Promise<T> {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value !== undefined && value !== '') params.set(key, value);
  const url = params.size > 0 ? `${path}?${params}` : path;
  const token = session.token();
  const response = await fetch(url, { headers: { Accept: 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) } });
  if (response.status === 401) {
    session.clear();
    onUnauthenticated();
  }
  if (!response.ok) {
    const problem = (await response.json().catch(() => ({}))) as Partial<{ code: string; title: string; detail: string }>;
    throw new ApiError(response.status, problem.code ?? 'HTTP_ERROR', problem.title ?? response.statusText, problem.detail ?? '');
  }
  return (await response.json()) as T;
}

export type Loadable<T> = { state: 'loading' } | { state: 'done'; data: T } | { state: 'failed'; error: ApiError };

/** Loads a route whenever its path or query changes; the last request wins. */
export function useApi<T>(path: string, query: Record<string, string | undefined> = {}): Loadable<T> {
  const [result, setResult] = useState<Loadable<T>>({ state: 'loading' });
  // Keyed on the query's text: callers pass a new object on every render.
  const key = `${path}?${JSON.stringify(query)}`;
  useEffect(() => {
    let current = true;
    setResult({ state: 'loading' });
    get<T>(path, query).then(
      (data) => current && setResult({ state: 'done', data }),
      (error: unknown) =>
        current &&
        setResult({
          state: 'failed',
          error: error instanceof ApiError ? error : new ApiError(0, 'NETWORK', 'The service did not answer', String(error)),
        }),
    );
    return () => {
      current = false;
    };
  }, [key]);
  return result;
}

// ---- what the routes answer (the parts the pages show) ----------------------------------------

export interface HeldPost {
  post: string;
  branchId: string;
  approvalLimit?: number;
  since: string;
}

export interface Me {
  staffId: string;
  admin: boolean;
  auditor: boolean;
  name: string | null;
  branchId: string | null;
  posts: HeldPost[];
  reads: { loans: boolean; reports: boolean; compliance: boolean };
  businessTimeZone: string;
  today: string;
}

export interface RiskPoint {
  rank: number;
  code: string;
  stage: string;
  description: string;
  catalogued: boolean;
  loans: number;
  disbursedLoans: number;
  nonPerformingLoans: number;
  occurrenceRate: number;
  exposure: number;
  loss: number;
  lossRate: number;
  score: number;
  openExposure: number;
}

export interface Warning {
  loanId: string;
  signalId: string;
  borrowerId: string;
  branchId: string;
  officerId: string;
  rule: string;
  severity: string;
  evidence: string;
  action: string;
  raisedBy: string;
  raisedOn: string;
  level: string;
  daysPastDue: number;
  principalOutstanding: number;
  category: string;
}

export interface RiskBoard {
  asOf: string;
  branchId: string | null;
  points: RiskPoint[];
  warnings: { open: number; byLevel: Record<string, number>; bySeverity: Record<string, number>; top: Warning[] };
}

export interface Warnings {
  asOf: string;
  byLevel: Record<string, number>;
  bySeverity: Record<string, number>;
  warnings: Warning[];
}

export interface MaturingLoan {
  loanId: string;
  borrowerId: string;
  maturityDate: string;
  principalOutstanding: number;
  interestOutstanding: number;
  category: string;
}

export interface Maturities {
  month: string;
  asOf: string;
  branches: {
    branchId: string;
    loans: number;
    principalOutstanding: number;
    remindersIssuedOn: string | null;
    officers: { officerId: string; loans: MaturingLoan[]; principalOutstanding: number }[];
  }[];
  overdue: {
    loanId: string;
    borrowerId: string;
    branchId: string;
    officerId: string;
    daysPastDue: number;
    oldestDueDate: string;
    principalOverdue: number;
    interestOverdue: number;
    principalOutstanding: number;
    category: string;
  }[];
}

export interface PerformanceFigures {
  instalmentsDue: number;
  principalDue: number;
  principalRecovered: number;
  interestDue: number;
  interestCollected: number;
  newLoans: number;
  disbursed: number;
  nonPerformingLoans: number;
  nonPerformingBalance: number;
  writtenOff: number;
  recoveryRate: number;
  interestRecoveryRate: number;
  nplRate: number;
}

export interface Performance {
  from: string;
  to: string;
  groupBy: 'officer' | 'branch';
  rows: (PerformanceFigures & { staffId?: string; post?: string; branchId?: string })[];
  total: PerformanceFigures;
  accountability: {
    loanId: string;
    borrowerId: string;
    branchId: string;
    disbursedOn: string;
    disbursed: number;
    principalOutstanding: number;
    category: string;
    writtenOff: number;
    investigatedBy: string[];
    examinedBy: string[];
    approvedBy: string[];
    disbursedBy: string[];
    dissent: { post: string; by: string; event: string; at: string; note: string }[];
  }[];
}

export interface StructureBucket {
  bucket: string;
  loans: number;
  balance: number;
  shareBps: number;
  minShareBps?: number;
  maxShareBps?: number;
  breach: 'below_min' | 'above_max' | null;
}

export interface Portfolio {
  loans: number;
  balance: number;
  dimensions: Record<string, StructureBucket[]>;
  breaches: { dimension: string; bucket: string; shareBps: number; breach: string; description: string }[];
}

export interface Finding {
  kind: string;
  severity: string;
  code: string;
  people: string[];
  loanId: string | null;
  at: string;
  detail: string;
}

export interface Compliance {
  asOf: string;
  counts: Record<string, number>;
  findings: Finding[];
}

export interface HistoryEvent {
  version: number;
  globalPosition: number;
  type: string;
  actorId: string;
  occurredAt: string;
  recordedAt: string;
  commandId: string;
  data: Record<string, unknown>;
  hash: string;
}

export interface LoanHistory {
  loanId: string;
  version: number;
  chain: { valid: boolean; events: number; breaks: { problem: string; streamVersion: number; detail: string }[] };
  events: HistoryEvent[];
}

export interface LoanState {
  loanId: string;
  status: string;
  borrowerId: string;
  branchId: string;
  officerId: string;
  purpose: string;
  category: string | null;
  requested: { amount: number; termMonths: number } | null;
  approvedTerms: { amount: number; termMonths: number; annualRateBps: number } | null;
  outstanding: { principal: number; interest: number } | null;
  signals: { signalId: string; rule: string; severity: string; resolvedOn?: string | null }[];
  acts: { post: string; by: string; at: string; event: string }[];
  version: number;
}
