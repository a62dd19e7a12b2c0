import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { ADMIN_BEARER_AUTH } from '../admin/admin.options';

/** The UI; the document itself is at `/docs-json`. */
export const API_DOCS_PATH = 'docs';
export const API_DOCS_JSON_PATH = 'docs-json';

export function gatewayApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('storebridge gateway')
    .setDescription(
      "ShopiMind's signed webhooks, the stores' own webhooks (generic-api spec §7), the Type B consent pages, the " +
        'widgets and, when ADMIN_TOKEN is set, the admin API.',
    )
    .setVersion('1')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'ADMIN_TOKEN' }, ADMIN_BEARER_AUTH)
    .build();
  return SwaggerModule.createDocument(app, config);
}

/**
 * Serves the OpenAPI document at `/docs-json` and its UI at `/docs`, public: they show route shapes only, which
 * the specs publish anyway, and a store developer reads the webhook contract without any token. The admin
 * routes appear only when they exist (ADMIN_TOKEN set), each behind the token. Must run before the app listens:
 * routes added after that land behind Nest's 404 handler.
 */
export function setUpApiDocs(app: INestApplication): void {
  SwaggerModule.setup(API_DOCS_PATH, app, gatewayApiDocument(app), {
    jsonDocumentUrl: API_DOCS_JSON_PATH,
    raw: ['json'],
  });
}
