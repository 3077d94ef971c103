import { expectCrashesLeaveTheLogConsistent } from './support/crash';
import { freshSchema } from './support/postgres';

describe('a crash while appending leaves the PostgreSQL log consistent', () => {
  it('keeps every acknowledged append and only whole commands, across repeated kills mid group commit', async () => {
    await expectCrashesLeaveTheLogConsistent((await freshSchema('e2e')).url, 3);
  });
});
