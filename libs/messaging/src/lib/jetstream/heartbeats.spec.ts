import { Logger } from '@nestjs/common';
import { JsMsg } from 'nats';
import { Heartbeats } from './heartbeats';
import { MessageSettler } from './settling';

describe('Heartbeats', () => {
  const settler = new MessageSettler({ warn: jest.fn() } as unknown as Logger);

  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('beats four times per ack wait, never faster than every 100 ms', () => {
    expect(new Heartbeats(4_000, settler).intervalMs).toBe(1_000);
    expect(new Heartbeats(200, settler).intervalMs).toBe(100);
  });

  it('tells JetStream the message is being worked on until stopped', () => {
    const msg = { working: jest.fn() };
    const stop = new Heartbeats(4_000, settler).keepAlive(msg as unknown as JsMsg);

    jest.advanceTimersByTime(2_500);
    expect(msg.working).toHaveBeenCalledTimes(2);

    stop();
    jest.advanceTimersByTime(10_000);
    expect(msg.working).toHaveBeenCalledTimes(2);
  });

  it('keeps beating when one heartbeat cannot reach JetStream', () => {
    const msg = {
      working: jest.fn().mockImplementationOnce(() => {
        throw new Error('disconnected');
      }),
    };
    const stop = new Heartbeats(400, settler).keepAlive(msg as unknown as JsMsg);

    jest.advanceTimersByTime(300);
    expect(msg.working).toHaveBeenCalledTimes(3);
    stop();
  });
});
