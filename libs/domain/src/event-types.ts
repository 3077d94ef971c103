import { BorrowerEvent } from './borrower/events';
import { BranchEvent } from './branch/decider';
import { DayEvent } from './calendar/decider';
import { ConfigEvent } from './config/decider';
import { LoanEvent } from './loan/events';
import { StaffEvent } from './staff/events';

// Records keyed by each union's types: the compiler refuses a list that misses a type or names one that does not exist.
const LOAN: Record<LoanEvent['type'], true> = {
  LoanApplied: true,
  InvestigationCompleted: true,
  ExaminationCompleted: true,
  ExaminationReturned: true,
  LoanApproved: true,
  LoanRejected: true,
  LoanDisbursed: true,
  RepaymentReceived: true,
  InspectionRecorded: true,
  LoanClassified: true,
  LoanClosed: true,
  ApprovalVoteCast: true,
  RiskSignalRaised: true,
  RiskSignalResolved: true,
  GuaranteeAdded: true,
  EarlyRecoveryDemanded: true,
  LoanExtended: true,
  LoanWrittenOff: true,
  WrittenOffRecovered: true,
};
const BORROWER: Record<BorrowerEvent['type'], true> = {
  BorrowerRegistered: true,
  FinancialStatementRecorded: true,
  BorrowerRated: true,
  PersonalDataErased: true,
};
const STAFF: Record<StaffEvent['type'], true> = { StaffRegistered: true, PostAssigned: true, PostRevoked: true, RelationDeclared: true };
const BRANCH: Record<BranchEvent['type'], true> = { MaturityRemindersIssued: true };
const DAY: Record<DayEvent['type'], true> = { BusinessDayClosed: true };
const CONFIG: Record<ConfigEvent['type'], true> = {
  StructureTargetsSet: true,
  PolicySettingsSet: true,
  ScorecardSet: true,
  RiskPointsSet: true,
  WarningRulesSet: true,
  MoneyRulesSet: true,
};

/**
 * Every event type the domain can emit, by aggregate (the prefix of its stream ids): what the
 * published event contract (AsyncAPI) must describe.
 */
export const EVENT_TYPES: Readonly<Record<'loan' | 'borrower' | 'staff' | 'branch' | 'day' | 'config', readonly string[]>> = {
  loan: Object.keys(LOAN),
  borrower: Object.keys(BORROWER),
  staff: Object.keys(STAFF),
  branch: Object.keys(BRANCH),
  day: Object.keys(DAY),
  config: Object.keys(CONFIG),
};
