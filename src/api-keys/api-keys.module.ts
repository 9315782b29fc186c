import { Module } from '@nestjs/common';
import { ApiKeysController } from './api-keys.controller';
import { ApiKeysPagesController } from './api-keys-pages.controller';

/** API keys' API and page (the keys themselves live in the auth module, which checks them). */
@Module({ controllers: [ApiKeysController, ApiKeysPagesController] })
export class ApiKeysModule {}
