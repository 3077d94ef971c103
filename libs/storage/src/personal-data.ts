import { clearPersonalData, IllegalState, PersonalRef, upcast } from '@loanflow/domain';
import { canonicalJson, Clock, EventStore } from '@loanflow/event-store';
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { ReadModelDb } from './read-model-db';

/**
 * The personal-data store: borrowers' names, identity numbers and financial statements, kept out
 * of the event log, beside it in the same database. Each subject (a borrower) has a data key of
 * its own, kept wrapped under the cooperative's key (PERSONAL_DATA_KEY); each record is sealed
 * with AES-256-GCM under its subject's key, and the log keeps the record's reference and an
 * HMAC of its content under that key. Erasing a subject destroys its key and its records: what
 * the log says of them can no longer be read, nor confirmed by guessing.
 */
export interface PersonalRead {
  at: string;
  actorId: string;
  subjectId: string;
  /** What was read, for whom: the route or command. */
  purpose: string;
}

/** A record's content does not match the digest the log keeps of it: someone changed the store. */
export class PersonalDataTampered extends Error {
  constructor(
    readonly subjectId: string,
    readonly ref: string,
  ) {
    super(`personal data record ${ref} of ${subjectId} does not match the digest the log keeps of it`);
    this.name = 'PersonalDataTampered';
  }
}

const KEY_BYTES = 32;
const IV_BYTES = 12;

/** PERSONAL_DATA_KEY: 32 bytes, as 64 hex digits or base64. */
export function parsePersonalDataKey(text: string): Buffer {
  const trimmed = text.trim();
  const key = /^[0-9a-f]{64}$/i.test(trimmed) ? Buffer.from(trimmed, 'hex') : Buffer.from(trimmed, 'base64');
  if (key.length !== KEY_BYTES)
    throw new Error(`PERSONAL_DATA_KEY must be ${KEY_BYTES} random bytes, as 64 hex digits or base64 (for example: openssl rand -hex 32)`);
  return key;
}

const derive = (master: Buffer, purpose: string) =>
  Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), `loanflow ${purpose}`, KEY_BYTES));

function encrypt(key: Buffer, plain: Buffer, aad: string): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv).setAAD(Buffer.from(aad));
  const body = Buffer.concat([cipher.update(plain), cipher.final()]);
  return [iv, cipher.getAuthTag(), body].map((b) => b.toString('base64')).join('.');
}

function decrypt(key: Buffer, sealed: string, aad: string): Buffer {
  const [iv, tag, body] = sealed.split('.').map((part) => Buffer.from(part, 'base64'));
  const decipher = createDecipheriv('aes-256-gcm', key, iv).setAAD(Buffer.from(aad)).setAuthTag(tag);
  return Buffer.concat([decipher.update(body), decipher.final()]);
}

const digestOf = (key: Buffer, ref: string, plain: string) => createHmac('sha256', key).update(`${ref}\n${plain}`).digest('hex');

export class PersonalDataStore {
  private readonly wrapKey: Buffer | null;
  private readonly matchKey: Buffer | null;

  /** `masterKey` null: a store that can tell what it holds but neither seal nor open (a read-only tool without the key). */
  constructor(
    private readonly db: ReadModelDb,
    masterKey: Buffer | null,
    private readonly clock: Clock,
  ) {
    this.wrapKey = masterKey && derive(masterKey, 'personal data: key wrapping');
    this.matchKey = masterKey && derive(masterKey, 'personal data: identity matching');
  }

  private need(key: Buffer | null): Buffer {
    if (!key) throw new Error('PERSONAL_DATA_KEY is not set: borrowers\u2019 personal data can be neither sealed nor read');
    return key;
  }

  /**
   * The identity number's keyed hash: equal numbers give equal keys, so "one person, one file"
   * is decided on it, and nobody without the cooperative's key can test a guessed number.
   */
  identityKey(identityNumber: string): string {
    return createHmac('sha256', this.need(this.matchKey)).update(identityNumber).digest('hex');
  }

  /** A fingerprint of the cooperative's key (null without one): two stores can hold each other's data only when theirs agree. */
  keyCheck(): string | null {
    return this.matchKey && createHmac('sha256', this.matchKey).update('loanflow key check').digest('hex');
  }

  /**
   * The subject's data key, made on first use (concurrent first uses agree on one key); null once
   * erased. A subject with records but no key row lost it behind the service: never replaced.
   */
  private async keyOf(subjectId: string, create: boolean): Promise<Buffer | null> {
    const wrapKey = this.need(this.wrapKey);
    let row = await this.db
      .selectFrom('personal_keys')
      .select(['wrapped_key', 'erased_at'])
      .where('subject_id', '=', subjectId)
      .executeTakeFirst();
    if (!row && create) {
      const held = await this.db.selectFrom('personal_records').select('ref').where('subject_id', '=', subjectId).limit(1).execute();
      if (held.length > 0) throw new PersonalDataTampered(subjectId, held[0].ref);
      await this.db
        .insertInto('personal_keys')
        .values({
          subject_id: subjectId,
          wrapped_key: encrypt(wrapKey, randomBytes(KEY_BYTES), subjectId),
          created_at: this.clock().toISOString(),
          erased_at: null,
        })
        .onConflict((c) => c.column('subject_id').doNothing())
        .execute();
      row = await this.db
        .selectFrom('personal_keys')
        .select(['wrapped_key', 'erased_at'])
        .where('subject_id', '=', subjectId)
        .executeTakeFirst();
    }
    if (!row) return null;
    if (row.erased_at !== null) return null;
    try {
      return decrypt(wrapKey, row.wrapped_key!, subjectId);
    } catch {
      throw new PersonalDataTampered(subjectId, '(its key)');
    }
  }

  /** Seals the subject's data into a new record: what the log keeps in their place. */
  async seal(subjectId: string, clear: unknown): Promise<PersonalRef> {
    const key = await this.keyOf(subjectId, true);
    if (!key) throw new IllegalState('PERSONAL_DATA_ERASED', `the personal data of ${subjectId} were erased: nothing more is kept of them`);
    const ref = randomUUID();
    const plain = canonicalJson(clear);
    await this.db
      .insertInto('personal_records')
      .values({
        ref,
        subject_id: subjectId,
        sealed: encrypt(key, Buffer.from(plain), `${subjectId}\n${ref}`),
        created_at: this.clock().toISOString(),
      })
      .execute();
    return { ref, digest: digestOf(key, ref, plain) };
  }

  /** Removes a record no event refers to (its append was refused). */
  async discard(subjectId: string, { ref }: PersonalRef): Promise<void> {
    await this.db.deleteFrom('personal_records').where('ref', '=', ref).where('subject_id', '=', subjectId).execute();
  }

  /** The sealed data, checked against the digest the log keeps; null when the subject was erased. */
  async open<T>(subjectId: string, { ref, digest }: PersonalRef): Promise<T | null> {
    const key = await this.keyOf(subjectId, false);
    if (!key) {
      // No key, and no erasure on record in the store: the key was removed behind the service.
      if (!(await this.erased(subjectId))) throw new PersonalDataTampered(subjectId, ref);
      return null;
    }
    const row = await this.db.selectFrom('personal_records').select(['sealed', 'subject_id']).where('ref', '=', ref).executeTakeFirst();
    if (!row || row.subject_id !== subjectId) throw new PersonalDataTampered(subjectId, ref);
    let plain: string;
    try {
      plain = decrypt(key, row.sealed, `${subjectId}\n${ref}`).toString();
    } catch {
      throw new PersonalDataTampered(subjectId, ref);
    }
    const expected = Buffer.from(digestOf(key, ref, plain), 'hex');
    const given = Buffer.from(digest, 'hex');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new PersonalDataTampered(subjectId, ref);
    return JSON.parse(plain) as T;
  }

  /** Destroys the subject's key and records. Idempotent: erasing twice erases once. */
  async erase(subjectId: string): Promise<void> {
    // A read of an erased file asks again: once done, it is one lookup, not a write.
    if (await this.erased(subjectId)) return;
    const at = this.clock().toISOString();
    await this.db.transaction().execute(async (tx) => {
      await tx
        .insertInto('personal_keys')
        .values({ subject_id: subjectId, wrapped_key: null, created_at: at, erased_at: at })
        .onConflict((c) =>
          // The first erasure's time stays: erasing again (a read that finds the key still there) changes nothing else.
          c
            .column('subject_id')
            .doUpdateSet((eb) => ({ wrapped_key: null, erased_at: eb.fn.coalesce('personal_keys.erased_at', 'excluded.erased_at') })),
        )
        .execute();
      await tx.deleteFrom('personal_records').where('subject_id', '=', subjectId).execute();
    });
  }

  /** Whether the subject's data were erased (their key destroyed). */
  async erased(subjectId: string): Promise<boolean> {
    const row = await this.db.selectFrom('personal_keys').select(['erased_at']).where('subject_id', '=', subjectId).executeTakeFirst();
    return row?.erased_at != null;
  }

  /** Every read of personal data by a person is audited: who, whose, when and why. */
  async recordRead(read: PersonalRead): Promise<void> {
    await this.db
      .insertInto('personal_reads')
      .values({ at: read.at, actor_id: read.actorId, subject_id: read.subjectId, purpose: read.purpose })
      .execute();
  }

  /** Reads of one subject's data (or everyone's), oldest first, after the read `afterId`. */
  async reads(
    subjectId?: string,
    { afterId = 0, limit = 1_000 }: { afterId?: number; limit?: number } = {},
  ): Promise<(PersonalRead & { id: number })[]> {
    let select = this.db
      .selectFrom('personal_reads')
      .select(['id', 'at', 'actor_id', 'subject_id', 'purpose'])
      .where('id', '>', afterId)
      .orderBy('id')
      .limit(limit);
    if (subjectId !== undefined) select = select.where('subject_id', '=', subjectId);
    return (await select.execute()).map((r) => ({
      id: Number(r.id),
      at: r.at,
      actorId: r.actor_id,
      subjectId: r.subject_id,
      purpose: r.purpose,
    }));
  }
}

const SCAN_BATCH = 5_000;
const SEALED = 'sealed';

/**
 * Refuses a log that still holds personal data in clear (recorded before they left it): it must
 * be sealed by `migrate --seal-personal-data` first, or Kafka and the read models would carry them.
 * The answer is remembered, so the log is scanned once, not at every start.
 */
export async function requirePersonalDataSealed(store: EventStore, db: ReadModelDb): Promise<void> {
  const mark = await db.selectFrom('log_properties').select(['value']).where('name', '=', 'personal-data').executeTakeFirst();
  if (mark?.value === SEALED) return;
  const head = await store.headPosition();
  for (let from = 0; from <= head;) {
    const events = await store.readAll(from, SCAN_BATCH);
    if (events.length === 0) break;
    const clear = events.find((e) => clearPersonalData(upcast(e).data) !== undefined);
    if (clear)
      throw new Error(
        `the log holds borrowers' personal data in clear (${clear.type} at position ${clear.globalPosition}), recorded before they left the log; ` +
          'seal them into a new log first: npm run cli -- migrate-log --from <this log> --to <a new one> --seal-personal-data (see README, "Personal data")',
      );
    from = events[events.length - 1].globalPosition + 1;
  }
  await markPersonalDataSealed(db);
}

export async function markPersonalDataSealed(db: ReadModelDb): Promise<void> {
  await db
    .insertInto('log_properties')
    .values({ name: 'personal-data', value: SEALED })
    .onConflict((c) => c.column('name').doUpdateSet({ value: SEALED }))
    .execute();
}
