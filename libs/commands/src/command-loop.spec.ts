import { Event, Folding, InvalidInput } from '@loanflow/domain';
import { CommandIdReused, NO_STREAM, openSqlite, SqliteEventStore, systemClock } from '@loanflow/event-store';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteReadModels, PersonalDataStore } from '@loanflow/storage';
import { CommandLoop, ConcurrentWrite, VersionMismatch } from './command-loop';

/** The one command loop on a real SQLite store: read set, retries, alongside streams, idempotency and the text gate. */
describe('the command loop', () => {
  type Counted = Event<'Counted', { n: number; note?: string }>;
  const counter: Folding<number, Counted> = { initialState: 0, evolve: (s, e) => s + e.data.n };
  const clock = () => new Date('2026-03-02T17:30:00.000Z');
  let store: SqliteEventStore;
  let loop: CommandLoop;
  const envelope = { actorId: 'ana', correlationId: 'c' };
  const count = (n: number, note?: string): Counted => ({ type: 'Counted', data: { n, ...(note !== undefined ? { note } : {}) } });
  const seed = (stream: string, n: number) =>
    store.append(stream, [count(n)] as never, {
      expectedVersion: 'any',
      metadata: { actorId: 'x', commandId: `${stream}-${Math.random()}`, correlationId: 'x', causationId: null, occurredAt: '' },
    });

  beforeEach(() => {
    store = new SqliteEventStore(openSqlite(join(mkdtempSync(join(tmpdir(), 'loanflow-loop-')), 'log.db')), { clock: systemClock });
    loop = new CommandLoop(store, clock, 'Asia/Shanghai');
  });
  afterEach(() => store.close());

  it('decides with the cooperative’s date: 17:30 UTC is already the next day in Shanghai', async () => {
    let seen = '';
    await loop.run('s-1', counter, envelope, (_s, d) => {
      seen = `${d.now} ${d.today}`;
      return [count(1)];
    });
    expect(seen).toBe('2026-03-02T17:30:00.000Z 2026-03-03');
  });

  it('appends only if every stream the decision read is where it was; else decides again on what is there now', async () => {
    await seed('rules', 1);
    let attempts = 0;
    const recorded = await loop.run('s-1', counter, envelope, async (state, d) => {
      attempts++;
      const rules = await d.read('rules', counter);
      // Another writer changes the rules while the first attempt is being decided.
      if (attempts === 1) await seed('rules', 10);
      return [count(rules.state)];
    });
    expect(attempts).toBe(2);
    expect(recorded).toMatchObject({ streamId: 's-1', version: 0, appended: true });
    expect((await store.readStream('s-1')).map((e) => e.data.n)).toEqual([11]);
  });

  it('seals personal data once the decision stands, and removes what a refused append sealed', async () => {
    const readModels = await openSqliteReadModels(openSqlite(join(mkdtempSync(join(tmpdir(), 'loanflow-loop-pd-')), 'rm.db')));
    const personal = new PersonalDataStore(readModels, Buffer.alloc(32, 7), clock);
    const sealing = new CommandLoop(store, clock, 'Asia/Shanghai', personal);
    type Registered = Event<'Registered', { borrowerId: string; personal: unknown }>;
    const registered: Folding<number, Registered> = { initialState: 0, evolve: (s) => s + 1 };
    await seed('rules', 1);
    let attempts = 0;
    await sealing.run('borrower-B', registered, envelope, async (_s, d): Promise<Registered[]> => {
      attempts++;
      await d.read('rules', counter);
      // Another writer moves what the first attempt read: its append is refused after it sealed.
      if (attempts === 1) await seed('rules', 1);
      return [{ type: 'Registered', data: { borrowerId: 'B', personal: { clear: { name: `attempt ${attempts}` } } } }];
    });
    expect(attempts).toBe(2);
    const [event] = await store.readStream('borrower-B');
    const ref = event.data.personal as { ref: string; digest: string };
    expect(JSON.stringify(event.data)).not.toContain('attempt');
    expect(await readModels.selectFrom('personal_records').select('ref').execute()).toEqual([{ ref: ref.ref }]);
    expect(await personal.open('B', ref)).toEqual({ name: 'attempt 2' });
    // Without a store to seal them in, personal data never reach the log.
    await expect(
      loop.run('borrower-C', registered, envelope, (): Registered[] => [
        { type: 'Registered', data: { borrowerId: 'C', personal: { clear: { name: 'x' } } } },
      ]),
    ).rejects.toThrow(/no personal-data store/);
    expect(await store.readStream('borrower-C')).toEqual([]);
    await readModels.destroy();
  });

  it('answers a keyed command sent again while its first attempt commits with the first answer, not the refusal the new state gives', async () => {
    const keyed = { ...envelope, commandId: 'pay-1', fingerprint: 'f' };
    let first: Awaited<ReturnType<CommandLoop['run']>> | undefined;
    const again = await loop.run('s-1', counter, keyed, async (state) => {
      // The first attempt commits while this one is being decided; this one then sees its effect.
      first ??= await loop.run('s-1', counter, keyed, () => [count(1)]);
      if (state > 0) return [count(1)];
      throw new InvalidInput('ALREADY_DONE', 'the first attempt did it', 'n');
    });
    expect(first).toMatchObject({ version: 0, appended: true });
    expect(again).toEqual({ streamId: 's-1', version: 0, appended: false });
    expect((await store.readStream('s-1')).map((e) => e.data.n)).toEqual([1]);
    // Without a key a refusal stays a refusal.
    await expect(loop.run('s-2', counter, envelope, () => Promise.reject(new InvalidInput('NO', 'no', 'n')))).rejects.toThrow('no');
  });

  it('gives up with ConcurrentWrite after its attempts, naming the stream that kept moving, and writes nothing', async () => {
    await seed('rules', 1);
    await expect(
      loop.run('s-1', counter, envelope, async (_s, d) => {
        await d.read('rules', counter);
        await seed('rules', 1);
        return [count(1)];
      }),
    ).rejects.toEqual(expect.objectContaining({ name: 'ConcurrentWrite', moved: 'rules', attempts: 4 }));
    expect(await store.readStream('s-1')).toEqual([]);
    expect(new ConcurrentWrite('a', 'b', 2).message).toMatch(/b changed while a was being decided/);
  });

  it('writes alongside only a stream it read, at the version read, in the same append', async () => {
    await expect(
      loop.run('s-1', counter, envelope, (_s, d) => {
        d.alongside('other', [count(1)]);
        return [count(1)];
      }),
    ).rejects.toThrow(/did not read other/);
    await loop.run('s-1', counter, envelope, async (_s, d) => {
      await d.read('claim', counter);
      d.alongside('claim', [count(1)]);
      return [count(1)];
    });
    const [own, claim] = [await store.readStream('s-1'), await store.readStream('claim')];
    expect(claim[0].metadata.commandId).toBe(own[0].metadata.commandId);
    expect(claim[0].globalPosition).toBe(own[0].globalPosition + 1);
  });

  it('refuses text no event may hold, whoever the writer, naming the field, and appends nothing', async () => {
    const refused = loop.run('s-1', counter, envelope, () => [count(1, 'seed\u0000')]);
    await expect(refused).rejects.toBeInstanceOf(InvalidInput);
    await expect(loop.run('s-1', counter, envelope, () => [count(1, 'x\ud800')])).rejects.toMatchObject({
      code: 'TEXT_NOT_STORABLE',
      field: 'note',
    });
    await loop.run('s-1', counter, envelope, () => [count(1, 'two\nlines\tand a tab')]);
    expect(await store.headPosition()).toBe(0);
  });

  it('answers a command seen before with its first answer; the same id for something else is refused', async () => {
    const keyed = { ...envelope, commandId: 'ana:k1', fingerprint: 'f' };
    const first = await loop.run('s-1', counter, keyed, () => [count(1)]);
    const again = await loop.run('s-1', counter, keyed, () => [count(5)]);
    expect(again).toEqual({ ...first, appended: false });
    await expect(loop.run('s-1', counter, { ...keyed, fingerprint: 'g' }, () => [count(1)])).rejects.toBeInstanceOf(CommandIdReused);
    expect(await store.headPosition()).toBe(0);
  });

  it('refuses when the caller saw another version; a decision with nothing to record writes nothing', async () => {
    await store.append('s-1', [count(1)] as never, {
      expectedVersion: NO_STREAM,
      metadata: { actorId: 'x', commandId: 'x', correlationId: 'x', causationId: null, occurredAt: '' },
    });
    await expect(loop.run('s-1', counter, { ...envelope, expectedVersion: 5 }, () => [count(1)])).rejects.toBeInstanceOf(VersionMismatch);
    expect(await loop.run('s-1', counter, envelope, () => [])).toEqual({ streamId: 's-1', version: 0, appended: false });
    expect(await store.headPosition()).toBe(0);
  });
});
