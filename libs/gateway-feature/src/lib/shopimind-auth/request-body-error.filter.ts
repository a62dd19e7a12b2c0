import { ArgumentsHost, Catch, ExceptionFilter } from '@nestjs/common';
import { RequestBodyException } from '@storebridge/runtime';
import type { Response } from 'express';
import { failed } from '../shopimind-webhooks/shopimind-response';

/**
 * Spec §3: a body over 1 MiB is a 413 and unparseable JSON a 400, answered in the ShopiMind shape
 * (`{success:false, error:'payload_too_large' | 'invalid_json'}`); JSON nested too deep is a 400 too, with a
 * `message` saying why. The body parser fails before any route is chosen, so only an app-wide filter
 * (APP_FILTER) sees these errors, never a controller's @UseFilters.
 */
@Catch(RequestBodyException)
export class RequestBodyErrorFilter implements ExceptionFilter<RequestBodyException> {
  catch(exception: RequestBodyException, host: ArgumentsHost): void {
    const reason = exception.reason ? { message: exception.reason } : {};
    host
      .switchToHttp()
      .getResponse<Response>()
      .status(exception.getStatus())
      .json({ ...failed(exception.problem), ...reason });
  }
}
