import { ArgumentsHost, HttpStatus } from '@nestjs/common';
import { RequestBodyException } from '@storebridge/runtime';
import { RequestBodyErrorFilter } from './request-body-error.filter';

function hostRecording(): { host: ArgumentsHost; sent: { status?: number; body?: unknown } } {
  const sent: { status?: number; body?: unknown } = {};
  const response = {
    status(code: number) {
      sent.status = code;
      return response;
    },
    json(body: unknown) {
      sent.body = body;
      return response;
    },
  };
  const host = { switchToHttp: () => ({ getResponse: () => response }) } as unknown as ArgumentsHost;
  return { host, sent };
}

describe('RequestBodyErrorFilter', () => {
  it.each([
    ['payload_too_large', HttpStatus.PAYLOAD_TOO_LARGE],
    ['invalid_json', HttpStatus.BAD_REQUEST],
  ] as const)('answers %s with its status and the ShopiMind failure body', (problem, status) => {
    const { host, sent } = hostRecording();

    new RequestBodyErrorFilter().catch(new RequestBodyException(problem, status), host);

    expect(sent).toEqual({ status, body: { success: false, error: problem } });
  });

  it('adds the reason when the exception carries one', () => {
    const { host, sent } = hostRecording();
    const reason = 'the JSON body is nested deeper than 64 levels';

    new RequestBodyErrorFilter().catch(
      new RequestBodyException('json_too_deep', HttpStatus.BAD_REQUEST, undefined, reason),
      host,
    );

    expect(sent).toEqual({
      status: HttpStatus.BAD_REQUEST,
      body: { success: false, error: 'json_too_deep', message: reason },
    });
  });
});
