import {
  CallHandler,
  ExecutionContext,
  HttpStatus,
  Injectable,
  Logger,
  NestInterceptor,
} from '@nestjs/common';
import { HTTP_CODE_METADATA } from '@nestjs/common/constants';
import { Reflector } from '@nestjs/core';
import { AcceptedSignatureRepository, type KeptAnswerBody } from '@storebridge/gateway-persistence';
import { loggableErrorText } from '@storebridge/security';
import { catchError, from, map, mergeMap, Observable, of, throwError } from 'rxjs';
import { shopimindCallerOf, type ShopimindCaller, type ShopimindRequest } from './shopimind-caller';

/**
 * The answer kept for resends, copied field by field: only ShopiMind's response contract (spec §4), so nothing
 * else a handler returns (remote-data options carry store tokens) is ever stored. Null: not kept.
 */
export function keptAnswerBodyOf(answer: unknown): KeptAnswerBody | null {
  if (typeof answer !== 'object' || answer === null) {
    return null;
  }
  const { success, error } = answer as { success?: unknown; error?: unknown };
  if (success === true) {
    return { success: true };
  }
  return success === false && typeof error === 'string' ? { success: false, error } : null;
}

/**
 * What happens to a claimed signature once its request is processed (spec §3, §4):
 * - answered by the handler (`{success:false}` included: ShopiMind does not retry it): the answer is kept with
 *   the signature before it is sent, so an exact resend gets it without the work being done again;
 * - failed (an exception escaped the handler or a pipe: an error status): the signature is given back, so
 *   ShopiMind's retry (one, after ~2 s, on a 5xx or a timeout) does the work;
 * - an exact resend of an answered request: answered with the first answer, the handler not called.
 *
 * Used with ShopimindSignatureGuard through `@ShopimindSigned()`; it only acts on requests the guard accepted.
 */
@Injectable()
export class SignatureOutcomeInterceptor implements NestInterceptor {
  private readonly logger = new Logger(SignatureOutcomeInterceptor.name);

  constructor(
    private readonly acceptedSignatures: AcceptedSignatureRepository,
    private readonly reflector: Reflector,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const caller =
      context.getType() === 'http'
        ? shopimindCallerOf(context.switchToHttp().getRequest<ShopimindRequest>())
        : undefined;
    if (!caller) {
      return next.handle();
    }
    // The route answers with its own status code, the one the first answer was given with.
    if (caller.firstAnswer) {
      return of(caller.firstAnswer.body);
    }
    // Every ShopiMind route declares its code (spec §4: 200); Nest's default for a POST would be 201.
    const status =
      this.reflector.get<number | undefined>(HTTP_CODE_METADATA, context.getHandler()) ?? HttpStatus.CREATED;
    return next.handle().pipe(
      mergeMap((answer: unknown) => from(this.keep(caller, status, answer)).pipe(map(() => answer))),
      catchError((error: unknown) =>
        from(this.release(caller)).pipe(mergeMap(() => throwError(() => error))),
      ),
    );
  }

  /**
   * The work is done whatever happens here: a failure only leaves the claim in progress, so a resend waits for
   * its lease and then does the work again (idempotent handlers, spec §4).
   */
  private async keep(caller: ShopimindCaller, status: number, answer: unknown): Promise<void> {
    try {
      await this.acceptedSignatures.recordAnswer(caller.signature, caller.route, {
        status,
        body: keptAnswerBodyOf(answer),
      });
    } catch (error) {
      this.logger.error(`Could not keep the answer of a signed request: ${loggableErrorText(error)}`);
    }
  }

  /** A failed release only costs the retry its acceptance: the original error is what the caller must see. */
  private async release(caller: ShopimindCaller): Promise<void> {
    try {
      await this.acceptedSignatures.release(caller.signature, caller.route);
    } catch (error) {
      this.logger.error(`Could not release the signature of a failed request: ${loggableErrorText(error)}`);
    }
  }
}
