import { Logger } from '@nestjs/common';
import { JsMsg } from 'nats';
import { MessageSettler } from './settling';

function fakeMsg(): jest.Mocked<Pick<JsMsg, 'ack' | 'nak' | 'term' | 'working'>> {
  return { ack: jest.fn(), nak: jest.fn(), term: jest.fn(), working: jest.fn() };
}

describe('MessageSettler', () => {
  const logger = { warn: jest.fn() } as unknown as jest.Mocked<Logger>;
  const settler = new MessageSettler(logger);

  beforeEach(() => jest.clearAllMocks());

  it('acks a handled message, terms a dropped one and naks a retry with its delay', () => {
    const acked = fakeMsg();
    const dropped = fakeMsg();
    const retried = fakeMsg();

    settler.settle(acked as unknown as JsMsg, { kind: 'ack' });
    settler.settle(dropped as unknown as JsMsg, { kind: 'term' });
    settler.settle(retried as unknown as JsMsg, { kind: 'retry', delayMs: 2_500 });

    expect(acked.ack).toHaveBeenCalledTimes(1);
    expect(dropped.term).toHaveBeenCalledTimes(1);
    expect(retried.nak).toHaveBeenCalledWith(2_500);
    for (const unexpected of [acked.nak, acked.term, dropped.ack, dropped.nak, retried.ack, retried.term]) {
      expect(unexpected).not.toHaveBeenCalled();
    }
  });

  it('logs, without throwing, a settle the closed connection refuses', () => {
    const msg = fakeMsg();
    msg.ack.mockImplementation(() => {
      throw new Error('connection closed');
    });

    expect(() => settler.settle(msg as unknown as JsMsg, { kind: 'ack' })).not.toThrow();
    expect(logger.warn).toHaveBeenCalledWith(expect.stringContaining('connection closed'));
  });

  it('hands messages back: their heartbeats end and each is nak’d with the delay', () => {
    const messages = [fakeMsg(), fakeMsg()].map((msg) => ({
      msg: msg as unknown as JsMsg,
      stopHeartbeat: jest.fn(),
    }));

    settler.handBack(messages, 700);

    for (const { msg, stopHeartbeat } of messages) {
      expect(stopHeartbeat).toHaveBeenCalledTimes(1);
      expect(msg.nak).toHaveBeenCalledWith(700);
    }
  });
});
