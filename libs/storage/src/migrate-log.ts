import { embeddedSecret, loadStorageConfig } from '@loanflow/config';
import { clearPersonalData, currentSchemaVersion, upcast } from '@loanflow/domain';
import {
  ChainVerdict,
  CommandRecord,
  eventHash,
  EventStore,
  GENESIS_HASH,
  LogCopy,
  RecordedEvent,
  systemClock,
  verifyLog,
} from '@loanflow/event-store';
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { markPersonalDataSealed } from './personal-data';
import { ReadModelDb, ReadModelTables } from './read-model-db';
import { openStorage, Storage } from './storage';

/** One end of a copy: a store opened as the app opens it, whose log can be copied out and in. */
type Endpoint = Storage & { eventStore: EventStore & LogCopy };

const canCopy = (storage: Storage): storage is Endpoint => 'importRecorded' in storage.eventStore && 'commandsIn' in storage.eventStore;

export interface EndpointOptions {
  mustExist: boolean;
  /** The cooperative's personal-data key (hex); a SQLite log without it uses the key file beside it. */
  personalDataKey?: string;
  /** Opens a log still holding personal data in clear: the source of `--seal-personal-data`. */
  clearPersonalData?: 'refuse' | 'allow';
}

const KEY_FILE = 'personal-data-key';

/**
 * The key a copy runs with: the one configured, else the source's own file beside its SQLite log.
 * The log and its personal data move together, so the target gets the same key (the identity
 * keys in the log are hashes under it).
 */
export function personalDataKeyFor(sourceSpec: string, configured: string | undefined): string | undefined {
  if (configured) return configured;
  const path = sourceSpec.startsWith('sqlite:') ? sourceSpec.slice('sqlite:'.length) : '';
  // A SQLite log made before personal data left it has no key yet: it gets its own, as the app would give it.
  return path && existsSync(path) ? embeddedSecret(path, KEY_FILE).secret : undefined;
}

/** `sqlite:<path>` or a `postgres://` / `postgresql://` URL. */
export async function openEndpoint(spec: string, options: EndpointOptions): Promise<Endpoint> {
  const { mustExist, personalDataKey } = options;
  let env: NodeJS.ProcessEnv;
  if (spec.startsWith('sqlite:')) {
    const path = spec.slice('sqlite:'.length);
    if (!path) throw new Error('sqlite: needs a file path, as in sqlite:./data/loanflow.db');
    if (mustExist && !existsSync(path)) throw new Error(`no event log at ${path}`);
    env = { EVENT_STORE: 'sqlite', SQLITE_PATH: path };
    if (personalDataKey) {
      // The key stays beside the SQLite log it belongs to, as the app looks for it there.
      const file = join(dirname(path), KEY_FILE);
      if (!existsSync(file)) {
        mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
        writeFileSync(file, `${personalDataKey}\n`, { flag: 'wx', mode: 0o600 });
      } else if (readFileSync(file, 'utf8').trim() !== personalDataKey)
        throw new Error(`${file} holds another personal-data key than the log being copied: the copy would be unreadable`);
    }
  } else if (/^postgres(ql)?:\/\//.test(spec)) {
    env = { EVENT_STORE: 'postgres', DATABASE_URL: spec, ...(personalDataKey ? { PERSONAL_DATA_KEY: personalDataKey } : {}) };
  } else {
    throw new Error(`cannot read "${spec}": use sqlite:<path> or postgres://user@host/database`);
  }
  const storage = await openStorage(loadStorageConfig(env), { clock: systemClock, clearPersonalData: options.clearPersonalData });
  if (canCopy(storage)) return storage;
  await storage.close();
  throw new Error(`the log at ${spec} cannot be copied`);
}

export interface MigrationReport {
  copied: number;
  resumedAt: number;
  denialsCopied: number;
  /** Personal-data keys and records copied as they are (sealed; the same key opens them). */
  personalDataCopied: number;
  /** With `sealPersonalData`: the records rewritten (personal data sealed, identity streams renamed, chains recomputed). */
  rewritten: number;
  /** With `sealPersonalData`: reservations made for numbers registered without one. */
  reservationsAdded: number;
  /** What people must resolve: files sharing one identity number. */
  warnings: string[];
  verdict: ChainVerdict;
  /** Empty when the target's stream heads and log head equal the source's. */
  differences: string[];
}

const BATCH = 2_000;

/** How a log recorded before personal data left it named an identity number's reservation: an unkeyed digest. */
export function legacyIdentityStream(identityNumber: string): string {
  return `identity-${createHash('sha256').update(`loanflow identity number ${identityNumber}`).digest('hex')}`;
}

/**
 * Seals the personal data a log recorded in clear, as the records are copied: each such event is
 * rewritten in its current shape (its personal data sealed into the target's store, the identity
 * number's keyed hash in its place), reservation streams take their keyed names, and the chain of
 * every stream touched is recomputed from there on. Each rewrite is kept (`log_rewrites`: position,
 * event id, new stream and hash, reason), so an auditor holding the old log can match the two.
 */
class Sealer {
  private readonly renamed = new Map<string, string>();
  private readonly lastHash = new Map<string, string>();
  private readonly rechained = new Set<string>();
  /** Each reservation stream's borrowers, in the order they registered under its number. */
  private readonly holders = new Map<string, string[]>();
  /** Reservation streams the source holds. */
  private readonly reserved = new Set<string>();
  /** Reservation streams the migration made for registrations recorded without one. */
  readonly created = new Set<string>();
  /** Rewrites of the current batch, kept once it is copied. */
  private readonly rewrites: ReadModelTables['log_rewrites'][] = [];
  rewritten = 0;

  constructor(private readonly target: Endpoint) {}

  /** First pass: the reservation streams' new names, from the numbers registrations recorded in clear. */
  learn(event: RecordedEvent): void {
    if (event.streamId.startsWith('identity-')) this.reserved.add(event.streamId);
    if (event.type !== 'BorrowerRegistered') return;
    const clear = clearPersonalData(upcast(event).data) as { identityNumber: string | null } | undefined;
    if (!clear?.identityNumber) return;
    const name = `identity-${this.target.personalData.identityKey(clear.identityNumber)}`;
    this.renamed.set(legacyIdentityStream(clear.identityNumber), name);
    this.holders.set(name, [...(this.holders.get(name) ?? []), String(event.data.borrowerId)]);
  }

  /**
   * After the copy: a number registered without a reservation (logs of a version that kept none)
   * gets one for its first file, so "one person, one file" holds from now on; numbers held by more
   * than one file are named (by their files), for people to resolve.
   */
  async reserveMissing(): Promise<string[]> {
    const held = new Set([...this.reserved].map((s) => this.renamed.get(s) ?? s));
    const shared: string[] = [];
    for (const [name, borrowers] of this.holders) {
      if (borrowers.length > 1) shared.push(`borrowers ${borrowers.join(', ')} were registered under one identity number`);
      if (held.has(name)) continue;
      const at = this.target.clock().toISOString();
      await this.target.eventStore.append(name, [{ type: 'IdentityNumberReserved', data: { borrowerId: borrowers[0], at } }], {
        expectedVersion: -1,
        metadata: { actorId: 'migrate-log', commandId: randomUUID(), correlationId: randomUUID(), causationId: null, occurredAt: at },
      });
      this.created.add(name);
    }
    return shared;
  }

  async rewrite(event: RecordedEvent): Promise<RecordedEvent> {
    const streamId = this.renamed.get(event.streamId) ?? event.streamId;
    const current = upcast(event);
    const clear = clearPersonalData(current.data);
    let out: RecordedEvent = event;
    if (clear !== undefined) {
      const data: Record<string, unknown> = {
        ...current.data,
        personal: await this.target.personalData.seal(String(current.data.borrowerId), clear),
      };
      const number = (clear as { identityNumber?: string | null }).identityNumber;
      if (event.type === 'BorrowerRegistered') data.identityKey = number ? this.target.personalData.identityKey(number) : null;
      out = { ...event, schemaVersion: currentSchemaVersion(event.type), data };
    }
    if (out !== event || streamId !== event.streamId || this.rechained.has(streamId)) {
      out = { ...out, streamId, prevHash: this.lastHash.get(streamId) ?? GENESIS_HASH };
      out = { ...out, hash: eventHash(out) };
      this.rechained.add(streamId);
      this.rewritten++;
      this.rewrites.push({
        global_position: event.globalPosition,
        event_id: event.eventId,
        stream_id: streamId,
        hash: out.hash,
        reason: clear !== undefined ? 'personal data sealed' : streamId !== event.streamId ? 'reservation renamed' : 'chain recomputed',
      });
    }
    this.lastHash.set(streamId, out.hash);
    return out;
  }

  /** The rewrites of the batch just copied, in one statement. */
  async keepRewrites(): Promise<void> {
    if (this.rewrites.length === 0) return;
    await this.target.readModels.insertInto('log_rewrites').values(this.rewrites.splice(0)).execute();
  }

  command(record: CommandRecord): CommandRecord {
    return { ...record, streamId: this.renamed.get(record.streamId) ?? record.streamId };
  }

  /** The source's stream as the target names it. */
  nameOf(streamId: string): string {
    return this.renamed.get(streamId) ?? streamId;
  }
}

const hasPersonalData = async (db: ReadModelDb) =>
  (await db.selectFrom('personal_keys').select('subject_id').limit(1).execute()).length > 0;

/** Copies the personal-data store's tables as they are: keys stay wrapped under the one cooperative key. */
async function copyPersonalData(from: ReadModelDb, into: ReadModelDb): Promise<number> {
  let copied = 0;
  for (let after = ''; ;) {
    const keys = await from
      .selectFrom('personal_keys')
      .selectAll()
      .where('subject_id', '>', after)
      .orderBy('subject_id')
      .limit(BATCH)
      .execute();
    if (keys.length === 0) break;
    await into
      .insertInto('personal_keys')
      .values(keys)
      // A key erased in the source since an earlier copy is erased in the target too.
      .onConflict((c) =>
        c
          .column('subject_id')
          .doUpdateSet((eb) => ({ wrapped_key: eb.ref('excluded.wrapped_key'), erased_at: eb.ref('excluded.erased_at') })),
      )
      .execute();
    copied += keys.length;
    after = keys[keys.length - 1].subject_id;
  }
  for (let after = ''; ;) {
    const records = await from.selectFrom('personal_records').selectAll().where('ref', '>', after).orderBy('ref').limit(BATCH).execute();
    if (records.length === 0) break;
    await into
      .insertInto('personal_records')
      .values(records)
      .onConflict((c) => c.column('ref').doNothing())
      .execute();
    copied += records.length;
    after = records[records.length - 1].ref;
  }
  // Records the target kept of subjects the source has erased since go too.
  await into
    .deleteFrom('personal_records')
    .where('subject_id', 'in', (eb) => eb.selectFrom('personal_keys').select('subject_id').where('erased_at', 'is not', null))
    .execute();
  return copied;
}

/**
 * Copies the whole log from one store to another, keeping event ids, stream versions, global
 * positions, times and hashes, with the command records that make appends idempotent and the
 * access-audit log. A target that already holds a prefix of the same log (an interrupted copy)
 * is continued; any other non-empty target is refused. Afterwards every chain of the target is
 * verified and its heads compared with the source's.
 */
export async function migrateLog(
  source: Endpoint,
  target: Endpoint,
  progress: (copied: number, head: number) => void = () => {},
  { sealPersonalData = false }: { sealPersonalData?: boolean } = {},
): Promise<MigrationReport> {
  const sourceHead = await source.eventStore.headPosition();
  const targetHead = await target.eventStore.headPosition();
  const sealer = sealPersonalData ? new Sealer(target) : null;
  if (sealer && targetHead >= 0) throw new Error('sealing personal data copies into an empty target only; start again on a new one');
  if (targetHead >= 0) {
    const [mine] = await target.eventStore.readAll(targetHead, 1);
    const [theirs] = await source.eventStore.readAll(targetHead, 1);
    if (!theirs || theirs.eventId !== mine.eventId || theirs.hash !== mine.hash) {
      throw new Error(
        `the target already holds a different log (its event at position ${targetHead} is not the source's); use an empty target`,
      );
    }
  }
  if (sealer)
    for (let from = 0; from <= sourceHead;) {
      const events = await source.eventStore.readAll(from, BATCH);
      if (events.length === 0) break;
      events.forEach((e) => sealer.learn(e));
      from = events[events.length - 1].globalPosition + 1;
    }
  const [targetKey, sourceKey] = [target.personalData.keyCheck(), source.personalData.keyCheck()];
  if ((sealer || (await hasPersonalData(source.readModels))) && (targetKey === null || targetKey !== sourceKey))
    throw new Error(
      "the target must be opened with the source's personal-data key (PERSONAL_DATA_KEY, or the key file beside a SQLite source): " +
        'the identity keys in the log and the sealed records are under it',
    );
  // Sealed keys and records first: no event copied refers to personal data the target lacks.
  const personalDataCopied = await copyPersonalData(source.readModels, target.readModels);
  let copied = 0;
  for (let from = targetHead + 1; from <= sourceHead;) {
    let events = await source.eventStore.readAll(from, BATCH);
    if (events.length === 0) break;
    const last = events[events.length - 1].globalPosition;
    let commands = await source.eventStore.commandsIn(from, last);
    if (sealer) {
      const rewritten: RecordedEvent[] = [];
      for (const e of events) rewritten.push(await sealer.rewrite(e));
      events = rewritten;
      commands = commands.map((c) => sealer.command(c));
    }
    await target.eventStore.importRecorded(events, commands);
    await sealer?.keepRewrites();
    copied += events.length;
    from = last + 1;
    progress(copied, sourceHead);
  }
  const warnings = sealer ? await sealer.reserveMissing() : [];
  if (sealer) await markPersonalDataSealed(target.readModels);

  // Denials have no ids worth keeping, only their order: those already in the target are the source's first ones.
  let denialsCopied = 0;
  const [from, into] = [source.accessAudit, target.accessAudit];
  let skip = (await into.list({ limit: Number.MAX_SAFE_INTEGER })).length;
  for (let afterId = 0; ;) {
    const denials = await from.list({ afterId, limit: BATCH });
    for (const { id: _id, ...denial } of denials.slice(Math.min(skip, denials.length))) {
      await into.record(denial);
      denialsCopied++;
    }
    skip = Math.max(0, skip - denials.length);
    if (denials.length < BATCH) break;
    afterId = denials[denials.length - 1].id;
  }

  const verdict = await verifyLog(target.eventStore);
  const differences: string[] = [];
  const [sourceHeads, targetHeads] = await Promise.all([source.eventStore.streamHeads(), target.eventStore.streamHeads()]);
  const theirs = new Map(sourceHeads.map((h) => [sealer ? sealer.nameOf(h.streamId) : h.streamId, h]));
  for (const h of targetHeads) {
    const s = theirs.get(h.streamId);
    if (!s && sealer?.created.has(h.streamId)) continue;
    if (!s) differences.push(`stream ${h.streamId} is not in the source`);
    // Sealing recomputes the hashes of the streams it rewrote: their versions must still agree.
    else if (s.version !== h.version || (!sealer && s.hash !== h.hash))
      differences.push(`stream ${h.streamId} ends at v${h.version}, the source at v${s.version}`);
    theirs.delete(h.streamId);
  }
  for (const missing of theirs.keys()) differences.push(`stream ${missing} was not copied`);
  const head = await target.eventStore.headPosition();
  const added = sealer?.created.size ?? 0;
  if (head !== sourceHead + added)
    differences.push(
      `the target's log ends at position ${head}, the source's at ${sourceHead}${added ? ` (and ${added} reservations added)` : ''}`,
    );
  return {
    copied,
    resumedAt: targetHead + 1,
    denialsCopied,
    personalDataCopied,
    rewritten: sealer?.rewritten ?? 0,
    reservationsAdded: added,
    warnings,
    verdict,
    differences,
  };
}
