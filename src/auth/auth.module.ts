import { Global, Module } from '@nestjs/common';
import { APP_GUARD, DiscoveryModule } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { PassportModule } from '@nestjs/passport';
import { TypeOrmModule } from '@nestjs/typeorm';
import { APP_CONFIG, AppConfig } from '../config/config';
import { AccessGuard } from './access.guard';
import { ApiKeysService } from './api-keys.service';
import { AuthController } from './auth.controller';
import { AuthPagesController } from './auth-pages.controller';
import { AuthService } from './auth.service';
import { LocalAuthGuard, WebLocalAuthGuard } from './local-auth.guard';
import { RouteAccessAuditor } from './route-access.auditor';
import { StaffService } from './staff.service';
import { JwtStrategy, LocalStrategy } from './strategies';
import './auth.messages';
import { RateLimitService } from './rate-limit.service';
import { PasswordResetService } from './password-reset.service';
import { SessionRepository } from './session.repository';
import { OneTimeTokenRepository } from './one-time-token.repository';
import { User } from './user.entity';
import { TwoFactorController } from './two-factor/two-factor.controller';
import { TwoFactorPagesController } from './two-factor/two-factor-pages.controller';
import { TwoFactorRepository } from './two-factor/two-factor.repository';
import { TwoFactorService } from './two-factor/two-factor.service';
import { EmailTemplatesModule } from '../email-templates/email-templates.module';
import { SecurityLogModule } from '../security-log/security-log.module';

@Global()
@Module({
  imports: [
    TypeOrmModule.forFeature([User]),
    EmailTemplatesModule,
    SecurityLogModule,
    PassportModule,
    DiscoveryModule,
    JwtModule.registerAsync({ inject: [APP_CONFIG], useFactory: (c: AppConfig) => ({ secret: c.jwtSecret }) }),
  ],
  controllers: [AuthController, AuthPagesController, TwoFactorController, TwoFactorPagesController],
  providers: [
    AuthService,
    SessionRepository,
    OneTimeTokenRepository,
    PasswordResetService,
    RateLimitService,
    StaffService,
    TwoFactorService,
    TwoFactorRepository,
    ApiKeysService,
    LocalStrategy,
    JwtStrategy,
    LocalAuthGuard,
    WebLocalAuthGuard,
    RouteAccessAuditor,
    { provide: APP_GUARD, useClass: AccessGuard },
  ],
  exports: [RateLimitService, AuthService, SessionRepository, OneTimeTokenRepository, StaffService, TwoFactorService, ApiKeysService, LocalAuthGuard, WebLocalAuthGuard],
})
export class AuthModule {}
