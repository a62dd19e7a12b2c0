import { randomUUID } from 'node:crypto';
import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import { describeDatabaseError, loggableErrorText } from '@storebridge/security';
import type { Response } from 'express';
import { sendHtml } from './html-response';
import { OAuthErrorCode, OAuthException } from './oauth.exception';
import { renderErrorPage, type ErrorPageModel } from './oauth-pages';

const START_AGAIN = 'Go back to ShopiMind and start the connection again.';

/** The one place an OAuth error code becomes what the merchant reads. */
export function errorPageFor(code: OAuthErrorCode): Omit<ErrorPageModel, 'reference'> {
  switch (code) {
    case OAuthErrorCode.InvalidSignature:
      return { title: 'Invalid link', message: `This authorization link is not valid. ${START_AGAIN}` };
    case OAuthErrorCode.StaleRequest:
      return { title: 'Link expired', message: `This authorization link has expired. ${START_AGAIN}` };
    case OAuthErrorCode.InvalidRequest:
      return {
        title: 'Invalid request',
        message: `This authorization request is incomplete. ${START_AGAIN}`,
      };
    case OAuthErrorCode.RedirectUriNotAllowed:
      return {
        title: 'Unknown return address',
        message: `This authorization request asks to return to an address we do not trust. ${START_AGAIN}`,
      };
    case OAuthErrorCode.StateAlreadyUsed:
      return { title: 'Already used', message: `This authorization has already been used. ${START_AGAIN}` };
    case OAuthErrorCode.StateExpired:
      return { title: 'Authorization expired', message: `This authorization has expired. ${START_AGAIN}` };
    case OAuthErrorCode.UnknownAuthorization:
      return { title: 'Unknown authorization', message: `We do not know this authorization. ${START_AGAIN}` };
    case OAuthErrorCode.CsrfMismatch:
      return {
        title: 'Form expired',
        message: `This form could not be verified (it may have been opened in another browser). ${START_AGAIN}`,
      };
  }
}

/**
 * Browser-facing steps answer HTML, never JSON and never a redirect: refusals are 400 pages naming their code;
 * anything unexpected is a 500 page with a correlation id that is also logged.
 */
@Catch()
export class OAuthErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger(OAuthErrorFilter.name);

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    if (exception instanceof OAuthException) {
      sendHtml(
        response,
        HttpStatus.BAD_REQUEST,
        renderErrorPage({ ...errorPageFor(exception.code), reference: exception.code }),
      );
      return;
    }
    if (exception instanceof HttpException && exception.getStatus() < 500) {
      const status = exception.getStatus();
      sendHtml(
        response,
        status,
        renderErrorPage({ title: 'Request refused', message: START_AGAIN, reference: `http_${status}` }),
      );
      return;
    }
    const correlationId = randomUUID();
    // A database error's stack repeats its message, values included: only its safe text is logged.
    const databaseError = describeDatabaseError(exception);
    this.logger.error(
      `OAuth step failed [${correlationId}]: ${databaseError ?? loggableErrorText(exception)}`,
      databaseError === undefined && exception instanceof Error ? exception.stack : undefined,
    );
    sendHtml(
      response,
      HttpStatus.INTERNAL_SERVER_ERROR,
      renderErrorPage({
        title: 'Something went wrong',
        message: `We could not complete this step. Try again in a moment, or ${START_AGAIN.charAt(0).toLowerCase()}${START_AGAIN.slice(1)}`,
        reference: correlationId,
      }),
    );
  }
}
