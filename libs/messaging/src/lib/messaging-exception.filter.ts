import { ArgumentsHost, Catch, RpcExceptionFilter } from '@nestjs/common';
import { Observable, throwError } from 'rxjs';

/**
 * Hands a message handler's exception to the messaging transport unchanged. Without it Nest's default RPC
 * filter logs every non-RpcException at error level and replaces it with "Internal server error", so a
 * transient failure (store down, retried with backoff) would log an error with a useless reason on every
 * attempt. The transport logs the real reason once per attempt, as a warning.
 *
 * Put it on message handler controllers: `@UseFilters(MessagingExceptionFilter)`. (Registering it as a global
 * filter would also catch HTTP exceptions, and the microservice's own global filters must be set before its
 * listeners are registered, which `connectMicroservice` already does.)
 */
@Catch()
export class MessagingExceptionFilter implements RpcExceptionFilter<unknown> {
  catch(exception: unknown, _host: ArgumentsHost): Observable<never> {
    return throwError(() => exception);
  }
}
