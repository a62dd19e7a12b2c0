import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DynamicModule, INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { logFormatOf, type CommonEnv, type TrustProxySetting } from '@storebridge/config';
import { MessagingTransport } from '@storebridge/messaging';
import { correlateRequests } from './logging/correlate-requests';
import { RedactingLogger } from './redacting-logger';
import { refuseDeepJson, requestBodyErrors } from './request-body-errors';

export interface StartServiceOptions {
  serviceName: string;
  env: CommonEnv;
  port: number;
  /** Defaults to HOST (all interfaces unless set: containers); tests pass 127.0.0.1. */
  host?: string;
  /** Express' `trust proxy` (TRUST_PROXY); absent: `req.ip` is the socket's peer, `X-Forwarded-For` ignored. */
  trustProxy?: TrustProxySetting;
  /** Runs once the app is set up, before it listens: what one service adds (the gateway's API docs). */
  configure?: (app: INestApplication) => void;
}

/** Spec §3: ShopiMind bodies over 1 MiB are refused (413). */
const MAX_JSON_BODY = '1mb';

/**
 * Boots one service: HTTP (with the raw body kept for signature checks), the message transport
 * for its `@EventPattern` handlers, and graceful shutdown so in-flight messages finish or are redelivered.
 */
export async function startService(
  rootModule: DynamicModule,
  options: StartServiceOptions,
): Promise<INestApplication> {
  const logger = new RedactingLogger(options.serviceName, options.env.LOG_LEVEL, logFormatOf(options.env));
  const app = await NestFactory.create<NestExpressApplication>(rootModule, {
    rawBody: true,
    bufferLogs: true,
    logger,
  });
  if (options.trustProxy !== undefined) {
    app.set('trust proxy', options.trustProxy);
  }
  app.useBodyParser('json', { limit: MAX_JSON_BODY });
  // The OAuth consent page posts an HTML form (shopimind.md §8).
  app.useBodyParser('urlencoded', { extended: false, limit: '64kb' });
  app.use(refuseDeepJson);
  app.use(requestBodyErrors);
  // After the body parsers: a scope entered before them would not reach the handler (they resume from stream events).
  app.use(correlateRequests);
  // Exit 0 once shut down cleanly: Nest would otherwise re-raise the signal, which orchestrators read as a crash.
  app.enableShutdownHooks(undefined, { useProcessExit: true });
  options.configure?.(app);
  app.connectMicroservice({ strategy: app.get(MessagingTransport) });
  await app.startAllMicroservices();
  await app.listen(options.port, options.host ?? options.env.HOST ?? '0.0.0.0');
  logger.log(`${options.serviceName} listening on ${boundUrl(app)}`);
  return app;
}

/** The address the server really bound, `http://0.0.0.0:8082` for all interfaces. */
export function boundUrl(app: INestApplication): string {
  const { address, family, port } = (app.getHttpServer() as Server).address() as AddressInfo;
  return `http://${family === 'IPv6' ? `[${address}]` : address}:${port}`;
}

/** Where this machine reaches a started service: loopback and its port, whatever interface it listens on. */
export function localUrl(app: INestApplication): string {
  const { port } = (app.getHttpServer() as Server).address() as AddressInfo;
  return `http://127.0.0.1:${port}`;
}
