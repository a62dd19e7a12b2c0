/** The part of the in-process broker the app specs consume with (InProcessBroker is not exported). */
export interface InProcessBus {
  subscribe(
    name: string,
    subject: string,
    concurrency: number,
    handler: (delivery: { subject: string; data: string }) => Promise<{ kind: 'ack' }>,
  ): { stop(): Promise<void> };
  /** Messages of `subject` published and not acked yet. */
  pendingCount(subject: string): number;
}
