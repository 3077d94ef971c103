import { givenFor } from '../testing/given';
import { BranchCommand, branchDecider, BranchEvent } from './decider';

const given = (events: BranchEvent[]) => givenFor(branchDecider, events);

const reminders = (month: string, issuedOn: string) => ({
  branchId: 'BR-01',
  month,
  issuedOn,
  officers: [
    {
      officerId: 'ana',
      loans: [
        {
          loanId: 'L-1',
          borrowerId: 'B-100',
          maturityDate: `${month}-03`,
          principalOutstanding: 416_674,
          interestOutstanding: 2_083,
          category: 'normal' as const,
        },
      ],
    },
  ],
});
const issue = (month: string, issuedOn: string): BranchCommand => ({
  type: 'IssueMaturityReminders',
  data: { ...reminders(month, issuedOn), now: `${issuedOn}T00:30:00.000Z` },
});
const issued = (month: string, issuedOn: string): BranchEvent => ({
  type: 'MaturityRemindersIssued',
  data: { ...reminders(month, issuedOn), at: `${issuedOn}T00:30:00.000Z` },
});

describe('branch decider', () => {
  it("issues a month's maturity reminders, per officer", () =>
    given([])
      .when(issue('2027-03', '2027-03-01'))
      .then([issued('2027-03', '2027-03-01')]));

  it('issues each month once: a retried run records nothing', () => {
    given([issued('2027-03', '2027-03-01')])
      .when(issue('2027-03', '2027-03-02'))
      .thenNothing();
    given([issued('2027-03', '2027-03-01')])
      .when(issue('2027-04', '2027-04-01'))
      .then([{ type: 'MaturityRemindersIssued', data: { month: '2027-04' } } as Partial<BranchEvent>]);
  });

  it('remembers the branch and the months issued', () =>
    expect(given([issued('2027-03', '2027-03-01'), issued('2027-04', '2027-04-01')]).state).toEqual({
      branchId: 'BR-01',
      monthsIssued: ['2027-03', '2027-04'],
    }));
});
