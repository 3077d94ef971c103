import { DEFAULT_WARNING_RULES, desiredSignals, LoanRiskFacts, riskLevel } from './risk';

const facts = (f: Partial<LoanRiskFacts> = {}): LoanRiskFacts => ({
  asOf: '2026-06-01',
  daysPastDue: 0,
  maturityDate: '2027-03-02',
  daysSinceInspection: 10,
  level: 'green',
  openRules: [],
  nonPerformingGuarantors: [],
  borrowerExposure: { borrowerId: 'B', outstanding: 1_000_000 },
  guarantorExposures: [],
  daysToMaturity: 274,
  ...f,
});
const rules = DEFAULT_WARNING_RULES;
const ruleNames = (f: Partial<LoanRiskFacts>) => desiredSignals(rules, facts(f)).map((d) => `${d.rule}:${d.severity}`);

describe('early-warning rules', () => {
  it('want nothing for a current, inspected, unconcentrated loan', () => expect(ruleNames({})).toEqual([]));

  it('late repayment takes the severity of the highest threshold reached (1, 31, 91, 181 days)', () => {
    expect(ruleNames({ daysPastDue: 1 })).toEqual(['late_repayment:low']);
    expect(ruleNames({ daysPastDue: 30 })).toEqual(['late_repayment:low']);
    expect(ruleNames({ daysPastDue: 31 })).toEqual(['late_repayment:medium']);
    expect(ruleNames({ daysPastDue: 91 })).toEqual(['late_repayment:high']);
    expect(ruleNames({ daysPastDue: 181 })).toEqual(['late_repayment:critical']);
  });

  it("inspection overdue follows the borrower's level: 90 days green, 30 days red", () => {
    expect(ruleNames({ daysSinceInspection: 90 })).toEqual([]);
    expect(ruleNames({ daysSinceInspection: 91 })).toEqual(['inspection_overdue:medium']);
    expect(ruleNames({ daysSinceInspection: 31, level: 'red' })).toEqual(['inspection_overdue:medium']);
    expect(ruleNames({ daysSinceInspection: 31, level: 'yellow' })).toEqual([]);
  });

  it("a guarantor's own non-performing loan, and concentrations above the limits", () => {
    expect(ruleNames({ nonPerformingGuarantors: [{ guarantorId: 'G', loanIds: ['L9'] }] })).toEqual(['guarantor_non_performing:high']);
    expect(ruleNames({ borrowerExposure: { borrowerId: 'B', outstanding: 100_000_001 } })).toEqual(['borrower_concentration:medium']);
    expect(ruleNames({ borrowerExposure: { borrowerId: 'B', outstanding: 100_000_000 } })).toEqual([]);
    expect(ruleNames({ guarantorExposures: [{ guarantorId: 'G', outstanding: 100_000_001 }] })).toEqual(['guarantor_concentration:medium']);
  });

  it('maturity within 30 days only matters with another signal wanted or an inspection finding open', () => {
    expect(ruleNames({ daysToMaturity: 20 })).toEqual([]);
    expect(ruleNames({ daysToMaturity: 20, daysPastDue: 3 })).toEqual(['late_repayment:low', 'maturity_with_open_signals:high']);
    expect(ruleNames({ daysToMaturity: 20, openRules: ['inspection_flagged'] })).toEqual(['maturity_with_open_signals:high']);
    expect(ruleNames({ daysToMaturity: 31, daysPastDue: 3 })).toEqual(['late_repayment:low']);
  });
});

describe('borrower risk level', () => {
  const base = { daysPastDue: 0, nonPerforming: false, openSeverities: [], inspectionFlagged: false, score: 80, watchScoreBelow: 60 };
  it('green, yellow, orange and red from days past due, signals, findings, category and grade', () => {
    expect(riskLevel(base)).toBe('green');
    expect(riskLevel({ ...base, score: null })).toBe('green');
    expect(riskLevel({ ...base, score: 59.5 })).toBe('yellow');
    expect(riskLevel({ ...base, daysPastDue: 1 })).toBe('yellow');
    expect(riskLevel({ ...base, openSeverities: ['low'] })).toBe('yellow');
    expect(riskLevel({ ...base, daysPastDue: 31 })).toBe('orange');
    expect(riskLevel({ ...base, openSeverities: ['low', 'high'] })).toBe('orange');
    expect(riskLevel({ ...base, inspectionFlagged: true })).toBe('orange');
    expect(riskLevel({ ...base, daysPastDue: 91 })).toBe('red');
    expect(riskLevel({ ...base, nonPerforming: true })).toBe('red');
    expect(riskLevel({ ...base, openSeverities: ['critical'] })).toBe('red');
  });
});
