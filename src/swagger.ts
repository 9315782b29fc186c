import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { SESSION_COOKIE } from './access/access.decorators';
import { addWebhookDocs } from './outbound-webhooks/webhook-openapi';

/** Swagger UI at /docs, the OpenAPI document at /docs-json. */
export function setupSwagger(app: INestApplication): void {
  const doc = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Handshake API')
      .setDescription(
        'Partner referrals and promo codes for B2B services. Money is integer minor units as strings; rates are basis points. ' +
          'Every error answers { "error": { "code", "message", "details", "correlationId" } }. ' +
          'Each operation lists the roles that may call it under x-roles.',
      )
      .setVersion('1')
      .addBearerAuth()
      .addCookieAuth(SESSION_COOKIE)
      .build(),
  );
  addWebhookDocs(doc);
  SwaggerModule.setup('docs', app, doc, { jsonDocumentUrl: 'docs-json' });
}
