/**
 * Event shapes change; recorded events never do. Each changed type has a current `schemaVersion`,
 * and an upcaster per older version that turns its data into the next version's. Every reader that
 * gives events meaning (the deciders through the command loop, the projections, the reactions)
 * reads them through `upcast`, so it sees the current shape only; the log, its hash chain, the
 * relay and the auditors' history keep the shape as recorded.
 */
type Data = Record<string, unknown>;

/** The version of each event type the domain writes now (1 when never changed). */
const CURRENT: Readonly<Record<string, number>> = {
  // v2: interest by the day. The day count, penalty surcharge, early-repayment choice and the money
  // rules' version are always present.
  LoanDisbursed: 2,
  // v2: personal data out of the log. The name and identity number, and a statement's figures, are
  // sealed in the personal-data store; the event keeps a reference (`personal`) and the identity key.
  BorrowerRegistered: 2,
  FinancialStatementRecorded: 2,
};

/** From version n to n + 1, per type. */
const UPCASTERS: Readonly<Record<string, Readonly<Record<number, (data: Data) => Data>>>> = {
  LoanDisbursed: {
    // Loans disbursed before interest accrued by the day kept their instalments' monthly interest
    // (30/360), bore no penalty interest, and knew no early-repayment choice.
    1: (d) => ({
      ...d,
      dayCount: d.dayCount ?? '30/360',
      penaltySurchargeBps: d.penaltySurchargeBps ?? null,
      earlyRepayment: d.earlyRepayment ?? 'shorten_term',
      moneyRulesVersion: d.moneyRulesVersion ?? null,
    }),
  },
  // A log recorded before personal data left it holds them in clear: they read as handed over in
  // clear, to be sealed. Only the `migrate` step reads such a log (it seals them into the store and
  // computes the identity key, which needs the cooperative's key); nothing else opens one.
  BorrowerRegistered: {
    1: ({ name, identityNumber, ...d }) => ({
      ...d,
      identityKey: null,
      personal: { clear: { name, identityNumber: identityNumber ?? null } },
    }),
  },
  FinancialStatementRecorded: {
    1: ({ income, assets, liabilities, cashFlow, ...d }) => ({ ...d, personal: { clear: { income, assets, liabilities, cashFlow } } }),
  },
};

export function currentSchemaVersion(type: string): number {
  return CURRENT[type] ?? 1;
}

/** The event in the shape its type has now; the same object when it already has it. */
export function upcast<E extends { type: string; schemaVersion: number; data: unknown }>(event: E): E {
  const current = currentSchemaVersion(event.type);
  if (event.schemaVersion >= current) return event;
  let data = event.data as Data;
  for (let version = event.schemaVersion; version < current; version++) {
    const step = UPCASTERS[event.type]?.[version];
    if (!step) throw new Error(`no upcaster for ${event.type} from schema version ${version}`);
    data = step(data);
  }
  return { ...event, schemaVersion: current, data };
}
