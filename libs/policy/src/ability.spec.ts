import { evolveStaff, initialStaff, Loan, LoanCommand, loanDecider, LoanEvent, Staff, StaffEvent } from '@loanflow/domain';
import { Actor, defineAbilityFor, StaffRegistry } from './ability';
import { refusalOf } from './authorize';
import { ConflictMatrix } from './conflict-matrix';
import { assertAssignable, PostConflict } from './static-rule';
import { Action, actionOf, loanSubject, Subject } from './subjects';
import fc from 'fast-check';
import { applied, approved, at, authority, examined, investigated, terms, today } from '@loanflow/domain/testing/loan-fixtures';

const staff = (id: string, events: StaffEvent['data'][] = []): Staff =>
  [
    { type: 'StaffRegistered', data: { staffId: id, name: id.toUpperCase(), branchId: 'BR', at } } as StaffEvent,
    ...events.map((d) => ('post' in d ? { type: 'PostAssigned', data: d } : { type: 'RelationDeclared', data: d }) as StaffEvent),
  ].reduce(evolveStaff, initialStaff);
const post = (staffId: string, p: string, approvalLimit?: number) =>
  ({ staffId, post: p, branchId: 'BR', at, ...(approvalLimit ? { approvalLimit } : {}) }) as StaffEvent['data'];

function decide(actor: Actor, record: Staff | null, action: Action, subject: Subject, matrix = new ConflictMatrix()) {
  const registry: StaffRegistry = { staff: (id) => (id === actor.id ? record : null), matrix };
  return refusalOf(defineAbilityFor(actor, registry), registry, actor, action, subject);
}

const loan = (events: LoanEvent[]): Loan => events.reduce(loanDecider.evolve, loanDecider.initialState);
const approve = (amount: number) => ({
  type: 'DecideApproval' as const,
  data: { decision: 'approve' as const, terms: { ...terms, amount }, comments: 'c', ...authority, by: '', now: at, today },
});

describe('separation-of-duties policy', () => {
  const ana: Actor = { id: 'ana', admin: false };

  it('allows the post holder at the loan branch', () => {
    expect(decide(ana, staff('ana', [post('ana', 'investigation')]), 'investigate', loanSubject('L', loan([applied])))).toBeNull();
  });

  it('NO_POST at another branch or without the post', () => {
    const other = { ...loanSubject('L', loan([applied])), branchId: 'BR-2' };
    expect(decide(ana, staff('ana', [post('ana', 'investigation')]), 'investigate', other)?.code).toBe('NO_POST');
    const dan: Actor = { id: 'dan', admin: false };
    expect(
      decide(dan, staff('dan', [post('dan', 'investigation')]), 'examine', loanSubject('L', loan([applied, investigated])))?.code,
    ).toBe('NO_POST');
  });

  it('SOD_THREE_POWERS: the investigator, rotated to examination, may not examine the loan', () => {
    const refusal = decide(ana, staff('ana', [post('ana', 'examination')]), 'examine', loanSubject('L', loan([applied, investigated])));
    expect(refusal).toEqual({
      code: 'SOD_THREE_POWERS',
      detail: `ANA (ana) may not examine loan L: ana already acted on it in investigation (LoanApplied at ${at}), and no person may hold two of investigation, examination and approval on one loan.`,
    });
  });

  it('SOD_THREE_POWERS: the examiner may not approve', () => {
    const bo: Actor = { id: 'bo', admin: false };
    expect(
      decide(
        bo,
        staff('bo', [post('bo', 'approval', 9_999_999)]),
        'approve',
        loanSubject('L', loan([applied, investigated, examined]), approve(1)),
      )?.code,
    ).toBe('SOD_THREE_POWERS');
  });

  it('SOD_FIVE_POSTS: the approver may not disburse; the matrix can separate more posts, never fewer', () => {
    const cy: Actor = { id: 'cy', admin: false };
    const state = loan([applied, investigated, examined, approved]);
    expect(decide(cy, staff('cy', [post('cy', 'disbursement')]), 'disburse', loanSubject('L', state))?.code).toBe('SOD_FIVE_POSTS');
    const lenient = new ConflictMatrix([]);
    expect(decide(cy, staff('cy', [post('cy', 'disbursement')]), 'disburse', loanSubject('L', state), lenient)).toBeNull();
    expect(lenient.conflicts('investigation', 'approval')).toBe(true);
    const strict = new ConflictMatrix([['investigation', 'inspection']]);
    expect(decide(ana, staff('ana', [post('ana', 'inspection')]), 'inspect', loanSubject('L', state), strict)?.code).toBe('SOD_FIVE_POSTS');
  });

  it('CONFLICT_OF_INTEREST for oneself and a declared relative', () => {
    const bo: Actor = { id: 'bo', admin: false };
    const related = staff('bo', [
      post('bo', 'examination'),
      { staffId: 'bo', borrowerId: 'B', relation: 'sibling', at } as StaffEvent['data'],
    ]);
    expect(decide(bo, related, 'examine', loanSubject('L', loan([applied, investigated])))).toEqual({
      code: 'CONFLICT_OF_INTEREST',
      detail: "BO (bo) may not examine loan L: its borrower B is bo's declared sibling.",
    });
    const self = { ...loanSubject('L', loan([applied, investigated])), borrowerId: 'bo' };
    expect(decide(bo, staff('bo', [post('bo', 'examination')]), 'examine', self)?.code).toBe('CONFLICT_OF_INTEREST');
  });

  it('ABOVE_AUTHORITY above the approval limit; rejecting needs no authority', () => {
    const cy: Actor = { id: 'cy', admin: false };
    const record = staff('cy', [post('cy', 'approval', 500_000)]);
    const state = loan([applied, investigated, examined]);
    expect(decide(cy, record, 'approve', loanSubject('L', state, approve(500_000)))).toBeNull();
    expect(decide(cy, record, 'approve', loanSubject('L', state, approve(500_001)))?.code).toBe('ABOVE_AUTHORITY');
    const reject = {
      type: 'DecideApproval' as const,
      data: { decision: 'reject' as const, comments: 'c', ...authority, by: '', now: at, today },
    };
    expect(decide(cy, record, 'approve', loanSubject('L', state, reject))).toBeNull();
  });

  it('ADMIN_SEPARATION: administrators never act on loans nor change their own posts', () => {
    const root: Actor = { id: 'root', admin: true };
    expect(
      decide(
        root,
        null,
        'apply',
        loanSubject('L', loan([]), { type: 'ApplyForLoan', data: { ...applied.data, by: '', now: at, today } as never }),
      )?.code,
    ).toBe('ADMIN_SEPARATION');
    const registry: StaffRegistry = { staff: () => null, matrix: new ConflictMatrix() };
    const ability = defineAbilityFor(root, registry);
    expect(refusalOf(ability, registry, root, 'assignPost', { kind: 'Staff', staffId: 'root' })?.code).toBe('ADMIN_SEPARATION');
    expect(refusalOf(ability, registry, root, 'assignPost', { kind: 'Staff', staffId: 'ana' })).toBeNull();
    expect(refusalOf(ability, registry, root, 'read', loanSubject('L', loan([applied])))).toBeNull();
  });

  it('NOT_STAFF for a token naming nobody; ADMIN_ONLY for staff managing staff', () => {
    expect(decide({ id: 'ghost', admin: false }, null, 'read', loanSubject('L', loan([applied])))?.code).toBe('NOT_STAFF');
    const registry: StaffRegistry = { staff: () => staff('ana'), matrix: new ConflictMatrix() };
    expect(refusalOf(defineAbilityFor(ana, registry), registry, ana, 'register', { kind: 'Staff', staffId: 'zed' })?.code).toBe(
      'ADMIN_ONLY',
    );
  });

  it('static rule: refuses a second power at once, at any branch; allows a non-conflicting post', () => {
    const matrix = new ConflictMatrix();
    const record = staff('ana', [post('ana', 'investigation')]);
    expect(() => assertAssignable(record, 'approval', 'BR-9', matrix)).toThrow(PostConflict);
    expect(() => assertAssignable(record, 'examination', 'BR', matrix)).toThrow(
      /no person may hold two of investigation, examination and approval/,
    );
    expect(() => assertAssignable(record, 'inspection', 'BR', matrix)).not.toThrow();
    expect(() => assertAssignable(staff('cy', [post('cy', 'approval', 1)]), 'disbursement', 'BR', matrix)).toThrow(
      /approval and disbursement posts are separated/,
    );
  });

  it('classify: held by the inspection post, acting in its name, so the dynamic matrix applies as for inspect', () => {
    const eve: Actor = { id: 'eve', admin: false };
    const state = loan([applied, investigated, examined, approved]);
    expect(actionOf({ type: 'ClassifyLoan' })).toBe('classify');
    expect(decide(eve, staff('eve', [post('eve', 'inspection')]), 'classify', loanSubject('L', state))).toBeNull();
    expect(decide(eve, staff('eve', [post('eve', 'disbursement')]), 'classify', loanSubject('L', state))?.code).toBe('NO_POST');
    const strict = new ConflictMatrix([['investigation', 'inspection']]);
    expect(decide(ana, staff('ana', [post('ana', 'inspection')]), 'classify', loanSubject('L', state))).toBeNull();
    expect(decide(ana, staff('ana', [post('ana', 'inspection')]), 'classify', loanSubject('L', state), strict)).toEqual({
      code: 'SOD_FIVE_POSTS',
      detail: `ANA (ana) may not classify loan L: ana already acted on it in investigation (LoanApplied at ${at}), and the investigation and inspection posts are separated on one loan.`,
    });
    const related = staff('eve', [
      post('eve', 'inspection'),
      { staffId: 'eve', borrowerId: 'B', relation: 'spouse', at } as StaffEvent['data'],
    ]);
    expect(decide(eve, related, 'classify', loanSubject('L', state))?.code).toBe('CONFLICT_OF_INTEREST');
    expect(decide({ id: 'root', admin: true }, null, 'classify', loanSubject('L', state))?.code).toBe('ADMIN_SEPARATION');
  });

  it('configure: administrators only; every staff member may read the configuration', () => {
    const structure: Subject = { kind: 'Config', configId: 'structure-targets' };
    expect(decide({ id: 'root', admin: true }, null, 'configure', structure)).toBeNull();
    expect(decide({ id: 'root', admin: true }, null, 'read', structure)).toBeNull();
    expect(decide(ana, staff('ana', [post('ana', 'investigation')]), 'configure', structure)).toEqual({
      code: 'ADMIN_ONLY',
      detail: 'ANA (ana) may not configure the structure-targets configuration: only administrators manage configuration.',
    });
    expect(decide(ana, staff('ana'), 'read', structure)).toBeNull();
    expect(decide({ id: 'ghost', admin: false }, null, 'read', structure)?.code).toBe('NOT_STAFF');
  });

  it('the committee: nobody who investigated or examined the loan votes on it (the rule lives here, not in the decider)', () => {
    // Above every approver's limit: the loan goes to a committee of approvers with small limits.
    const small = ['ana', 'bo', 'cy', 'di', 'ed'].map((staffId) => ({ staffId, limit: 1 }));
    const vote = (by: string): LoanCommand => ({
      type: 'DecideApproval',
      data: { decision: 'approve', terms, comments: 'c', approvers: small, committee: { size: 3, majority: 2 }, by, now: at, today },
    });
    const state = loan([applied, investigated, examined]);
    const approver = (id: string) => staff(id, [post(id, 'approval', 1)]);
    expect(decide({ id: 'ana', admin: false }, approver('ana'), 'approve', loanSubject('L', state, vote('ana')))?.code).toBe(
      'SOD_THREE_POWERS',
    );
    expect(decide({ id: 'bo', admin: false }, approver('bo'), 'approve', loanSubject('L', state, vote('bo')))?.code).toBe(
      'SOD_THREE_POWERS',
    );
    expect(decide({ id: 'di', admin: false }, approver('di'), 'approve', loanSubject('L', state, vote('di')))).toBeNull();
  });

  it('property: with the policy in front of the decider, no sequence of votes counts anyone who investigated or examined', () => {
    const people = ['ana', 'bo', 'cy', 'di', 'ed', 'fu'];
    const everyone = people.map((staffId) => ({ staffId, limit: 1 }));
    const step = fc.record({ by: fc.constantFrom(...people), decision: fc.constantFrom<'approve' | 'reject'>('approve', 'reject') });
    fc.assert(
      fc.property(fc.array(step, { maxLength: 10 }), (steps) => {
        let history: LoanEvent[] = [applied, investigated, examined];
        for (const s of steps) {
          const command: LoanCommand = {
            type: 'DecideApproval',
            data: {
              decision: s.decision,
              ...(s.decision === 'approve' ? { terms } : {}),
              comments: 'c',
              approvers: everyone,
              committee: { size: 3, majority: 2 },
              by: s.by,
              now: at,
              today,
            },
          };
          const state = loan(history);
          const actor = { id: s.by, admin: false };
          if (decide(actor, staff(s.by, [post(s.by, 'approval', 1)]), 'approve', loanSubject('L', state, command))) continue;
          try {
            history = [...history, ...loanDecider.decide(command, state)];
          } catch {
            // refused by the decider (a second vote): nothing recorded
          }
        }
        const voters = history.filter((e) => e.type === 'ApprovalVoteCast').map((e) => e.data.approverId as string);
        expect(voters.filter((v) => v === 'ana' || v === 'bo')).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  it('EXTENSION_SAME_APPROVER and WRITE_OFF_NOT_INDEPENDENT: the approver does not extend; none of the three powers writes off', () => {
    const state = loan([applied, investigated, examined, approved]);
    const approverRecord = (id: string) => staff(id, [post(id, 'approval', 10_000_000)]);
    expect(decide({ id: 'cy', admin: false }, approverRecord('cy'), 'extend', loanSubject('L', state))?.code).toBe(
      'EXTENSION_SAME_APPROVER',
    );
    for (const id of ['ana', 'bo', 'cy']) {
      const refusal = decide({ id, admin: false }, approverRecord(id), 'writeOff', loanSubject('L', state));
      expect([id, refusal?.code]).toEqual([id, 'WRITE_OFF_NOT_INDEPENDENT']);
      expect(refusal?.detail).toContain('its write-off is approved by someone who held none of the three powers on it');
    }
    expect(decide({ id: 'zed', admin: false }, approverRecord('zed'), 'writeOff', loanSubject('L', state))).toBeNull();
  });

  it('AUDITOR_READ_ONLY: an auditor token reads everything and acts on nothing, whatever posts its holder has', () => {
    const auditor: Actor = { id: 'ana', admin: false, auditor: true };
    const record = staff('ana', [post('ana', 'investigation')]);
    expect(decide(auditor, record, 'investigate', loanSubject('L', loan([applied])))?.code).toBe('AUDITOR_READ_ONLY');
    expect(decide(auditor, record, 'register', { kind: 'Borrower', borrowerId: 'B-1' })?.code).toBe('AUDITOR_READ_ONLY');
    expect(decide({ id: 'aud', admin: false, auditor: true }, null, 'apply', loanSubject('L', loan([])))?.code).toBe('AUDITOR_READ_ONLY');
    expect(decide(auditor, record, 'read', { kind: 'Compliance', name: 'violations' })).toBeNull();
  });

  it('ADMIN_SEPARATION: no staff record under an administrator’s id; no administrator acts under a staff id', () => {
    const root: Actor = { id: 'root', admin: true };
    expect(decide(root, null, 'register', { kind: 'Staff', staffId: 'root' })?.code).toBe('ADMIN_SEPARATION');
    expect(decide(root, null, 'register', { kind: 'Staff', staffId: 'admin-2', administrator: true })?.code).toBe('ADMIN_SEPARATION');
    expect(decide(root, null, 'register', { kind: 'Staff', staffId: 'zed' })).toBeNull();
    const posing: Actor = { id: 'ana', admin: true };
    expect(decide(posing, staff('ana'), 'register', { kind: 'Staff', staffId: 'zed' })?.code).toBe('ADMIN_SEPARATION');
    expect(decide(posing, staff('ana'), 'configure', { kind: 'Config', configId: 'policy-settings' })?.code).toBe('ADMIN_SEPARATION');
  });
});
