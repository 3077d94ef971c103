import { isUtf8 } from 'node:buffer';
import { ApiProblem } from './problems';

/** How deeply a request body's arrays and objects may nest: the deepest command is four levels. */
export const MAX_BODY_DEPTH = 16;

/**
 * Refuses a JSON body nested deeper than `limit`, from its bytes, before it is parsed: nothing
 * (the parser, validation, the hashing of an idempotent request) ever walks a body too deep to
 * walk safely. Brackets inside strings do not count.
 */
export function requireBodyDepth(body: Buffer, limit = MAX_BODY_DEPTH): void {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < body.length; i++) {
    const byte = body[i];
    if (inString) {
      if (byte === 0x5c)
        i++; // a backslash escapes the next byte
      else if (byte === 0x22) inString = false;
    } else if (byte === 0x22) inString = true;
    else if (byte === 0x5b || byte === 0x7b) {
      if (++depth > limit)
        throw new ApiProblem(
          400,
          'BODY_TOO_DEEP',
          'Request body nested too deeply',
          `a request body nests arrays and objects at most ${limit} deep`,
        );
    } else if (byte === 0x5d || byte === 0x7d) depth--;
  }
}

/**
 * A JSON body's bytes before they are decoded: UTF-8 they must be, for the parser would otherwise
 * put U+FFFD in place of every byte it cannot read (a body in GBK would be stored as "��"), and
 * nested no deeper than the limit.
 */
export function requireSoundBody(body: Buffer, encoding: string): void {
  if (encoding.toLowerCase().replace('-', '') === 'utf8' && !isUtf8(body))
    throw new ApiProblem(
      400,
      'MALFORMED_JSON',
      'Malformed JSON body',
      'the body is not UTF-8: send JSON encoded in UTF-8 (a body in GBK or another encoding would lose its characters)',
    );
  requireBodyDepth(body);
}
