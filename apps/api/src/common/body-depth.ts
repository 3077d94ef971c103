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
