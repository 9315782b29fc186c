import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, QueryFailedError, Repository } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../config/config';
import { AuthUser } from './access.decorators';
import { AuthErrorCode, AuthException } from './auth.exception';
import { assertStrongPassword, hashPassword, normalizeEmail, verifyPassword } from './password';
import { Role } from './role';
import { User } from './user.entity';

export interface IssuedToken {
  accessToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
}

/** A throwaway hash so that unknown emails cost as much time as wrong passwords. */
let dummyHash: Promise<string> | undefined;

export function isUniqueViolation(err: unknown, constraint?: string): boolean {
  const driverError = (err as QueryFailedError & { driverError?: { code?: string; constraint?: string } })?.driverError;
  return err instanceof QueryFailedError && driverError?.code === '23505' && (!constraint || driverError.constraint === constraint);
}

@Injectable()
export class AuthService {
  constructor(
    @InjectRepository(User) private readonly users: Repository<User>,
    private readonly jwt: JwtService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Creates an account inside the caller's transaction; EMAIL_TAKEN when the address is in use. */
  async createUser(manager: EntityManager, email: string, password: string, role: Role): Promise<User> {
    const normalized = normalizeEmail(email);
    assertStrongPassword(password, normalized);
    if (await manager.exists(User, { where: { email: normalized } })) {
      throw new AuthException(AuthErrorCode.EMAIL_TAKEN, 'An account with this email already exists', { field: 'email' });
    }
    const user = manager.create(User, { email: normalized, passwordHash: await hashPassword(password), role });
    try {
      return await manager.save(user);
    } catch (err) {
      if (isUniqueViolation(err)) throw new AuthException(AuthErrorCode.EMAIL_TAKEN, 'An account with this email already exists', { field: 'email' });
      throw err;
    }
  }

  async validateCredentials(email: string, password: string): Promise<AuthUser> {
    const user = await this.users.findOne({ where: { email: normalizeEmail(email) } });
    if (!user) {
      dummyHash ??= hashPassword('not-a-real-password-0');
      await verifyPassword(await dummyHash, password);
      throw new AuthException(AuthErrorCode.INVALID_CREDENTIALS, 'Wrong email or password');
    }
    if (!(await verifyPassword(user.passwordHash, password))) {
      throw new AuthException(AuthErrorCode.INVALID_CREDENTIALS, 'Wrong email or password');
    }
    return { id: user.id, email: user.email, role: user.role };
  }

  /** Resolves a token subject to the current account (so a role change applies at once). */
  async findActiveUser(id: string): Promise<AuthUser | null> {
    const user = await this.users.findOne({ where: { id } });
    return user ? { id: user.id, email: user.email, role: user.role } : null;
  }

  issueToken(user: AuthUser): IssuedToken {
    const accessToken = this.jwt.sign({ sub: user.id, role: user.role }, { expiresIn: this.config.jwtTtlSeconds });
    return { accessToken, tokenType: 'Bearer', expiresIn: this.config.jwtTtlSeconds };
  }

  sessionCookieOptions() {
    return { httpOnly: true, secure: this.config.cookieSecure, sameSite: 'lax' as const, path: '/', maxAge: this.config.jwtTtlSeconds * 1000 };
  }
}
