import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expectCrashesLeaveTheLogConsistent } from './support/crash';

describe('a crash while appending leaves the embedded log consistent', () => {
  it('keeps every acknowledged append and only whole commands, across repeated kills', async () => {
    await expectCrashesLeaveTheLogConsistent(`sqlite:${join(mkdtempSync(join(tmpdir(), 'loanflow-crash-')), 'crash.db')}`, 3);
  });
});
