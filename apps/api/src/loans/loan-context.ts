import { Inject, Injectable } from '@nestjs/common';
import { Decision } from '@loanflow/commands';
import { Approver, borrowerDecider, IllegalState, Loan, LoanCommand, requireCatalogued, RuleViolated } from '@loanflow/domain';
import {
  approversAt,
  loadMoneyRules,
  loadPolicySettings,
  loadRiskPoints,
  loadScorecard,
  loadWarningRules,
  ProjectionService,
} from '@loanflow/projections';
import { ReadModelDb } from '@loanflow/storage';
import { READ_MODELS } from '../common/tokens';
import { LoanIntent } from './loans.handler';

/**
 * What a loan command needs besides the loan to be decided: the configuration in force (the
 * scorecard, the risk-point catalogue, the committee rule, the warning rules), read through the
 * decision so the act is recorded only under the configuration it was decided with, and who could
 * approve at the branch, from a read model caught up with the log as the decision found it. The
 * domain decides with it; nothing here decides.
 */
@Injectable()
export class LoanContext {
  constructor(
    @Inject(READ_MODELS) private readonly db: ReadModelDb,
    private readonly projections: ProjectionService,
  ) {}

  /** Approval-post holders at the loan's branch, less the borrower and anyone related to them. */
  private async approvers(state: Loan, decision: Decision): Promise<Approver[]> {
    await this.projections.caughtUpWith(await decision.logPosition());
    const all = await approversAt(this.db, state.branchId);
    return all
      .filter((a) => a.staffId !== state.borrowerId && !a.relatedTo.includes(state.borrowerId))
      .map(({ staffId, limit }) => ({ staffId, limit }));
  }

  private async authority(state: Loan, decision: Decision) {
    const { committeeSize: size, committeeMajority: majority } = await loadPolicySettings(decision);
    return { approvers: await this.approvers(state, decision), committee: { size, majority } };
  }

  /** The context the domain decides the command with; reads only, refuses nothing. */
  async of(intent: LoanIntent, state: Loan, decision: Decision): Promise<Record<string, unknown>> {
    switch (intent.type) {
      case 'CompleteInvestigation': {
        const { scorecard, scorecardVersion } = await loadScorecard(decision);
        return { scorecard: scorecard ? { version: scorecardVersion, card: scorecard } : null };
      }
      case 'CompleteExamination':
      case 'DecideApproval':
        return this.authority(state, decision);
      case 'RecordInspection':
        return { flagged: (await loadWarningRules(decision)).rules.inspectionFlagged };
      case 'DisburseLoan': {
        const { dayCount, penaltySurchargeBps, version } = await loadMoneyRules(decision);
        return { moneyRules: { dayCount, penaltySurchargeBps, version } };
      }
      default:
        return {};
    }
  }

  /**
   * What the command names exists: the borrower applying, the guarantor, the risk points tagged
   * (once a catalogue is set), each read through the decision. Asked after the policy, so a
   * refused actor learns nothing more.
   */
  async requireKnown(command: LoanCommand, decision: Decision): Promise<void> {
    const tagged = (command.data as { riskPoints?: string[] }).riskPoints;
    if (tagged?.length) requireCatalogued(tagged, (await loadRiskPoints(decision)).points);
    // Read through the decision: an erasure recorded meanwhile makes this decision start again, and refuse.
    const registered = async (borrowerId: string) => {
      const { state, version } = await decision.read(`borrower-${borrowerId}`, borrowerDecider);
      if (state.erasedAt !== null)
        throw new IllegalState(
          'PERSONAL_DATA_ERASED',
          `borrower ${borrowerId}'s personal data were erased on ${state.erasedAt}: no new loan or guarantee stands on that file`,
        );
      return version >= 0;
    };
    if (command.type === 'ApplyForLoan' && !(await registered(command.data.borrowerId)))
      throw new RuleViolated('BORROWER_NOT_REGISTERED', `borrower ${command.data.borrowerId} is not registered`);
    const guarantorId = command.type === 'AddGuarantee' ? command.data.guarantee.guarantorId : undefined;
    if (guarantorId && !(await registered(guarantorId)))
      throw new RuleViolated('GUARANTOR_NOT_REGISTERED', `guarantor ${guarantorId} is not a registered borrower`);
  }
}
