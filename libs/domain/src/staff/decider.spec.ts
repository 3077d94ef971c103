import { givenFor } from '../testing/given';
import { StaffEvent } from './events';
import { StaffCommand, staffDecider } from './decider';

const given = (events: StaffEvent[]) => givenFor(staffDecider, events);
const register = (staffId: string): StaffCommand => ({
  type: 'RegisterStaff',
  data: { staffId, name: 'Ana Li', branchId: 'BR', now: '2026-03-02T09:00:00.000Z' },
});

describe('staff decider: registration', () => {
  it('registers a person once', () => {
    given([])
      .when(register('ana'))
      .then([{ type: 'StaffRegistered', data: { staffId: 'ana', name: 'Ana Li', branchId: 'BR', at: '2026-03-02T09:00:00.000Z' } }]);
    given([{ type: 'StaffRegistered', data: { staffId: 'ana', name: 'Ana Li', branchId: 'BR', at: '2026-03-02T09:00:00.000Z' } }])
      .when(register('ana'))
      .thenRefused('STAFF_EXISTS');
  });

  it('refuses the id end of day acts under: a person named "system" would pass for it in the log', () =>
    given([]).when(register('system')).thenRefused('RESERVED_STAFF_ID'));
});
