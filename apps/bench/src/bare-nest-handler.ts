import 'reflect-metadata';
import { Body, Controller, HttpCode, Module, Post } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';

/**
 * The gateway benchmark's baseline: what NestJS 11 on express costs for a store webhook with nothing behind it
 * (same route, JSON body parsed, 200 `{"success":true}`). Run as its own process on `PORT`.
 */
@Controller()
class BareWebhookController {
  @Post('api/generic-api/webhooks/:storeToken/products')
  @HttpCode(200)
  receive(@Body() _body: unknown): { success: true } {
    return { success: true };
  }
}

@Module({ controllers: [BareWebhookController] })
class BareHandlerModule {}

async function main(): Promise<void> {
  const app = await NestFactory.create(BareHandlerModule, { logger: ['error', 'warn'] });
  app.enableShutdownHooks();
  await app.listen(Number(process.env['PORT']), '127.0.0.1');
}

void main();
