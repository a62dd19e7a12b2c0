import { CallHandler, ExecutionContext, Injectable, Logger, NestInterceptor } from '@nestjs/common';
import { AcceptedSignatureRepository } from '@storebridge/gateway-persistence';
import { catchError, from, mergeMap, Observable, throwError } from 'rxjs';
import { shopimindCallerOf, type ShopimindCaller, type ShopimindRequest } from './shopimind-caller';
import { loggableErrorText } from '@storebridge/security';

/**
 * Gives a request's claimed signature back when its processing failed, so ShopiMind's retry (spec §4: one,
 * after ~2 s, on a 5xx or a timeout) is not taken for a replay. Failed means an exception escaped the handler
 * (or a pipe): the answer is then an error status. A handler's answer, `{success:false}` included, is a
 * processed request: it keeps its signature, since ShopiMind does not retry it and a replay must not re-run it.
 *
 * Registered for the whole app (APP_INTERCEPTOR); it only acts on requests the signature guard accepted, and
 * the release happens before the error response is sent.
 */
@Injectable()
export class SignatureReleaseInterceptor implements NestInterceptor {
  private readonly logger = new Logger(SignatureReleaseInterceptor.name);

  constructor(private readonly acceptedSignatures: AcceptedSignatureRepository) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const caller =
      context.getType() === 'http'
        ? shopimindCallerOf(context.switchToHttp().getRequest<ShopimindRequest>())
        : undefined;
    if (!caller) {
      return next.handle();
    }
    return next
      .handle()
      .pipe(
        catchError((error: unknown) =>
          from(this.release(caller)).pipe(mergeMap(() => throwError(() => error))),
        ),
      );
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
