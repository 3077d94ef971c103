import { Inject, Injectable } from '@nestjs/common';
import { Approver, borrowerDecider, Loan, LoanCommand, requireCatalogued, RuleViolated } from '@loanflow/domain';
import { EventStore } from '@loanflow/event-store';
import { approversAt, loadPolicySettings, loadRiskPoints, loadScorecard, loadWarningRules, ProjectionService } from '@loanflow/projections';
import { ReadModelDb } from '@loanflow/storage';
import { Aggregates } from '../common/aggregates';
import { EVENT_STORE, READ_MODELS } from '../common/tokens';
import { LoanIntent } from './loans.handler';

/**
 * What a loan command needs besides the loan to be decided: the configuration in force (the
 * scorecard, the risk-point catalogue, the committee rule, the warning rules) and who could
 * approve at the branch. The domain decides with it; nothing here decides.
 */
@Injectable()
export class LoanContext {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(READ_MODELS) private readonly db: ReadModelDb,
    private readonly projections: ProjectionService,
    private readonly aggregates: Aggregates,
  ) {}

  /** Approval-post holders at the loan's branch, less the borrower and anyone related to them. */
  private async approvers(state: Loan): Promise<Approver[]> {
    await this.projections.ready();
    const all = await approversAt(this.db, state.branchId);
    return all
      .filter((a) => a.staffId !== state.borrowerId && !a.relatedTo.includes(state.borrowerId))
      .map(({ staffId, limit }) => ({ staffId, limit }));
  }

  private async authority(state: Loan) {
    const { committeeSize: size, committeeMajority: majority } = await loadPolicySettings(this.store);
    return { approvers: await this.approvers(state), committee: { size, majority } };
  }

  /** The context the domain decides the command with; reads only, refuses nothing. */
  async of(intent: LoanIntent, state: Loan): Promise<Record<string, unknown>> {
    switch (intent.type) {
      case 'CompleteInvestigation': {
        const { scorecard, scorecardVersion } = await loadScorecard(this.store);
        return { scorecard: scorecard ? { version: scorecardVersion, card: scorecard } : null };
      }
      case 'CompleteExamination':
      case 'DecideApproval':
        return this.authority(state);
      case 'RecordInspection':
        return { flagged: (await loadWarningRules(this.store)).rules.inspectionFlagged };
      default:
        return {};
    }
  }

  /**
   * What the command names exists: the borrower applying, the guarantor, the risk points tagged
   * (once a catalogue is set). Asked after the policy, so a refused actor learns nothing more.
   */
  async requireKnown(command: LoanCommand): Promise<void> {
    const tagged = (command.data as { riskPoints?: string[] }).riskPoints;
    if (tagged?.length) requireCatalogued(tagged, (await loadRiskPoints(this.store)).points);
    const registered = async (borrowerId: string) => (await this.aggregates.load(`borrower-${borrowerId}`, borrowerDecider)).version >= 0;
    if (command.type === 'ApplyForLoan' && !(await registered(command.data.borrowerId)))
      throw new RuleViolated('BORROWER_NOT_REGISTERED', `borrower ${command.data.borrowerId} is not registered`);
    const guarantorId = command.type === 'AddGuarantee' ? command.data.guarantee.guarantorId : undefined;
    if (guarantorId && !(await registered(guarantorId)))
      throw new RuleViolated('GUARANTOR_NOT_REGISTERED', `guarantor ${guarantorId} is not a registered borrower`);
  }
}
