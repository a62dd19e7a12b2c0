import { connect } from 'nats';
import { startNatsServer } from './nats-server';

describe('startNatsServer', () => {
  it('starts a JetStream-enabled server that a client can use, and stops it', async () => {
    const server = await startNatsServer();
    try {
      const connection = await connect({ servers: server.url });
      const info = await (await connection.jetstreamManager()).getAccountInfo();
      expect(info.limits).toBeDefined();
      await connection.close();
    } finally {
      await server.stop();
    }
    await expect(connect({ servers: server.url, reconnect: false, timeout: 500 })).rejects.toThrow();
  });
});
