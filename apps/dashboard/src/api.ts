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

// ---- what the routes answer: the server's own types (erased from the bundle) -------------------

import type { HeldPost, Loan, Position } from '@loanflow/domain';
import type { ChainVerdict, historyEntry } from '@loanflow/event-store';
import type {
  BucketShare,
  LoanListItem,
  Page,
  ComplianceReport,
  MaturityReport,
  PerformanceReport,
  PortfolioReport,
  ProvisionsReport,
  RiskBoard as RiskBoardReport,
  RiskPointFigures,
  WarningsReport,
} from '@loanflow/projections';

/** `GET /me` (apps/api/src/auth/me.controller.ts). */
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

export type RiskBoard = RiskBoardReport;
export type RiskPoint = RiskPointFigures;
export type StructureBucket = BucketShare;
export type Warnings = WarningsReport;
export type Maturities = MaturityReport;
export type Performance = PerformanceReport;
export type Portfolio = PortfolioReport;
/** `GET /reports/provisions`: the report, and the version of the money rules its rates came from (-1: the defaults). */
export type Provisions = ProvisionsReport & { moneyRulesVersion: number };
export type Compliance = ComplianceReport;
export type LoanHistory = { loanId: string; version: number; chain: ChainVerdict; events: ReturnType<typeof historyEntry>[] };
/** The loan as GET /loans/:id answers: its state, version, and for an active loan what paying off costs on the day. */
export type LoanState = Loan & { version: number; payoff: Position | null };
export type LoanMatches = Page<LoanListItem>;
