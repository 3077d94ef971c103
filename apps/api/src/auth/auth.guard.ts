import { CanActivate, ExecutionContext, Inject, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { JwtService } from '@nestjs/jwt';
import { DEFAULT_JWT_MAX_LIFETIME_HOURS, type LoanflowConfig } from '@loanflow/config';
import { ID_PATTERN } from '@loanflow/domain';
import type { Actor } from '@loanflow/policy';
import type { Request } from 'express';
import { createSecretKey, KeyObject } from 'node:crypto';
import { unauthenticated } from '../common/problems';
import { CONFIG } from '../common/tokens';

const PUBLIC = 'loanflow:public';
/** Marks a route anyone may call (health). */
export const Public = () => SetMetadata(PUBLIC, true);

export type AuthenticatedRequest = Request & { actor: Actor };

interface Claims {
  sub?: unknown;
  admin?: unknown;
  auditor?: unknown;
  exp?: unknown;
  iat?: unknown;
}

/** Whether a JWT's header lists critical parameters (RFC 7515 4.1.11): none is understood here, so such a token is refused. */
function criticalHeader(token: string): boolean {
  try {
    return 'crit' in JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString('utf8'));
  } catch {
    return false; // not a JWT: verification refuses it
  }
}

/** How far ahead of this machine's clock a token's issuer's clock may run. */
const CLOCK_SKEW_SECONDS = 60;

/**
 * Bearer JWT, HS256 with the configured secret. `sub` is the staff id, `admin: true` an
 * administrator; `exp` is required and checked; issuer and audience only when configured.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly jwt: JwtService,
    private readonly reflector: Reflector,
    @Inject(CONFIG) private readonly config: LoanflowConfig,
  ) {
    this.key = createSecretKey(Buffer.from(config.jwtSecret));
  }

  // A ready key object: given the secret as a string, the JWT library tries it as a public key first, on every request.
  private readonly key: KeyObject;

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC, [context.getHandler(), context.getClass()])) return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const [scheme, token] = (request.headers.authorization ?? '').split(' ');
    // The scheme's name is case-insensitive (RFC 7235).
    if (scheme?.toLowerCase() !== 'bearer' || !token) throw unauthenticated('send Authorization: Bearer <token>');
    if (criticalHeader(token)) throw unauthenticated('the token names critical header parameters (crit) this service does not understand');
    let claims: Claims;
    try {
      claims = await this.jwt.verifyAsync<Claims & object>(token, {
        secret: this.key as unknown as string,
        algorithms: ['HS256'],
        ...(this.config.jwtIssuer ? { issuer: this.config.jwtIssuer } : {}),
        ...(this.config.jwtAudience ? { audience: this.config.jwtAudience } : {}),
      });
    } catch (error) {
      throw unauthenticated(`the token was refused: ${(error as Error).message}`);
    }
    if (typeof claims.sub !== 'string' || claims.sub.length === 0) throw unauthenticated('the token has no subject (sub)');
    // The subject becomes an actor id in the log and the access audit: an id like any other.
    if (!ID_PATTERN.test(claims.sub))
      throw unauthenticated("the token's subject (sub) is no id: 1-64 letters, digits, dots, dashes or underscores");
    if (claims.admin === true && claims.auditor === true)
      throw unauthenticated("a token is an administrator's or an auditor's, never both: an auditor acts on nothing");
    if (typeof claims.exp !== 'number') throw unauthenticated('the token has no expiry (exp)');
    // Verification happened against this machine's clock: so are issue times and lifetimes judged.
    const now = Math.floor(Date.now() / 1000);
    if (claims.iat !== undefined && (typeof claims.iat !== 'number' || claims.iat > now + CLOCK_SKEW_SECONDS))
      throw unauthenticated("the token was issued in the future (iat): the issuer's clock is wrong, or the token is forged");
    const issued = typeof claims.iat === 'number' ? claims.iat : now;
    const maxHours = this.config.jwtMaxLifetimeHours ?? DEFAULT_JWT_MAX_LIFETIME_HOURS;
    if (claims.exp - issued > maxHours * 3600)
      throw unauthenticated(
        `the token is valid for longer than ${maxHours} hours (JWT_MAX_LIFETIME_HOURS): ask for one that expires sooner`,
      );
    request.actor = { id: claims.sub, admin: claims.admin === true, ...(claims.auditor === true ? { auditor: true } : {}) };
    return true;
  }
}
