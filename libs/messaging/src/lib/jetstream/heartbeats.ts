import { JsMsg } from 'nats';
import { StopHeartbeat } from './pulling';
import { MessageSettler } from './settling';

/**
 * Keeps pulled messages from being redelivered while they wait for a slot or run: each `msg.working()` restarts
 * the ack wait, so a long handler (a full store crawl) keeps its message.
 */
export class Heartbeats {
  readonly intervalMs: number;

  constructor(
    ackWaitMs: number,
    private readonly settler: MessageSettler,
  ) {
    // Four heartbeats per ack wait: the message stays ours through three lost heartbeats, or an event loop
    // stalled for three quarters of the ack wait.
    this.intervalMs = Math.max(100, Math.floor(ackWaitMs / 4));
  }

  keepAlive(msg: JsMsg): StopHeartbeat {
    const heartbeat = setInterval(() => this.settler.safely(() => msg.working()), this.intervalMs);
    return () => clearInterval(heartbeat);
  }
}
