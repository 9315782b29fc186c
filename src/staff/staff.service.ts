import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AuthUser } from '../access/access.decorators';
import { Role, STAFF_ROLES } from '../access/role';
import { ApiKeysService } from '../auth/api-keys.service';
import { AuthService } from '../auth/auth.service';
import { OneTimeTokenRepository, OneTimeState } from '../auth/one-time-token.repository';
import { assertStrongPassword, hashPassword, normalizeEmail } from '../auth/password';
import { SessionRepository } from '../auth/session.repository';
import { CommonErrorCode, CommonException } from '../common/errors/common.exception';
import { APP_CONFIG, AppConfig } from '../config/config';
import { EmailTemplateService } from '../email-templates/email-template.service';
import { Locale, LOCALES, translate } from '../i18n/messages';
import { MailerService } from '../mail/mailer.service';
import { SecurityLogService } from '../security-log/security-log.service';
import { StaffErrorCode, StaffException } from './staff.exception';
import { StaffRepository, StaffRow } from './staff.repository';
import './staff.messages';

/** How long an invitation link works. */
export const INVITE_LIFE_SECONDS = 72 * 3600;

export interface InviteResult {
  account: StaffRow;
  /** False when the account was invited but the mail could not be handed over (invite again). */
  mailed: boolean;
  /** True when the address was already invited: the earlier link no longer works. */
  reinvited: boolean;
}

/**
 * Staff accounts as an admin manages them: the list, invitations by email (a single-use link that
 * expires; the invitee chooses a password), role changes and disabling. There is always at least
 * one active admin; a disabled account's sessions and API keys end at once.
 */
@Injectable()
export class StaffManagementService {
  private readonly logger = new Logger('Staff');

  constructor(
    private readonly db: DataSource,
    private readonly staff: StaffRepository,
    private readonly tokens: OneTimeTokenRepository,
    private readonly sessions: SessionRepository,
    private readonly auth: AuthService,
    private readonly apiKeys: ApiKeysService,
    private readonly mailer: MailerService,
    private readonly templates: EmailTemplateService,
    private readonly securityLog: SecurityLogService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  list(): Promise<StaffRow[]> {
    return this.staff.list();
  }

  async get(id: string): Promise<StaffRow> {
    const row = isUuid(id) ? await this.staff.get(id) : null;
    if (!row) throw new StaffException(StaffErrorCode.STAFF_NOT_FOUND, `No staff account ${id}`, { id });
    return row;
  }

  /**
   * Invites a person by email with a staff role: a new account with no usable password and a mail
   * (in `locale`) with a single-use link. Inviting a still-invited address sends a fresh link and the
   * old one stops working; an address with a signed-up account is refused.
   */
  async invite(actor: AuthUser, email: string, role: Role, locale: Locale): Promise<InviteResult> {
    if (!STAFF_ROLES.includes(role)) throw new CommonException(CommonErrorCode.VALIDATION_FAILED, 'role must be finance, marketer or admin', [{ field: 'role' }]);
    if (!LOCALES.includes(locale)) throw new CommonException(CommonErrorCode.VALIDATION_FAILED, 'locale must be en or ru', [{ field: 'locale' }]);
    const address = normalizeEmail(email);
    const { id, token, reinvited } = await this.db.transaction(async (m) => {
      const existing = await this.staff.byEmailForUpdate(m, address);
      let id: string;
      if (existing) {
        if (existing.status !== 'invited' || !STAFF_ROLES.includes(existing.role)) {
          throw new StaffException(StaffErrorCode.STAFF_EMAIL_TAKEN, 'An account with this email already exists', { field: 'email' });
        }
        await this.staff.reinvite(m, existing.id, role, locale, actor.id);
        id = existing.id;
      } else {
        id = await this.staff.insertInvited(m, address, role, locale, actor.id);
        if (!id) throw new StaffException(StaffErrorCode.STAFF_EMAIL_TAKEN, 'An account with this email already exists', { field: 'email' });
      }
      const token = await this.tokens.issue(id, 'invite', INVITE_LIFE_SECONDS, m, true);
      await this.securityLog.record({ kind: 'staff_invited', userId: id, email: address, actorId: actor.id, detail: { role } }, m);
      return { id, token, reinvited: Boolean(existing) };
    });
    const link = `${this.config.publicBaseUrl}/invite/${token}?lang=${locale}`;
    const message = this.templates.renderTransactional({
      template: 'staff-invite',
      subjectKey: 'mail.invite.subject',
      locale,
      vars: { link, role: roleWords(locale, role), inviter: actor.email, hours: INVITE_LIFE_SECONDS / 3600 },
    });
    const mailed = await this.mailer.send({ to: address, ...message, kind: 'staff_invite', related: { userId: id } }).then(
      () => true,
      (err: Error) => {
        this.logger.warn({ err: err.message }, 'staff invitation mail not sent');
        return false;
      },
    );
    return { account: await this.get(id), mailed, reinvited };
  }

  /** Where an invitation link stands (for its page; writes nothing). */
  async invitation(token: string): Promise<{ state: OneTimeState; email?: string }> {
    const found = await this.tokens.state(token, 'invite');
    return { state: found.state, email: found.email };
  }

  /**
   * Accepts an invitation: the password (the usual strength rules) is set, the link is used up, the
   * account is active and a session starts for it.
   */
  async acceptInvite(token: string, password: string, meta: { ip?: string; userAgent?: string }): Promise<{ user: AuthUser; accessToken: string }> {
    const user = await this.db.transaction(async (m) => {
      const taken = await this.tokens.take(m, token, 'invite');
      if (!taken) throw new StaffException(StaffErrorCode.INVITE_INVALID, 'This invitation link is invalid, already used or expired; ask an admin for a new one', { field: 'token' });
      assertStrongPassword(password, taken.email);
      await this.staff.acceptInvite(m, taken.userId, await hashPassword(password));
      const row = await this.staff.get(taken.userId, m);
      return { id: taken.userId, email: taken.email, role: row!.role };
    });
    const issued = await this.auth.issueToken(user, { ...meta, signIn: true });
    return { user, accessToken: issued.accessToken };
  }

  /** Changes another staff member's role; an admin may not be demoted when no other active admin remains. */
  async changeRole(actor: AuthUser, id: string, role: Role): Promise<StaffRow> {
    if (!STAFF_ROLES.includes(role)) throw new CommonException(CommonErrorCode.VALIDATION_FAILED, 'role must be finance, marketer or admin', [{ field: 'role' }]);
    if (actor.id === id) throw new StaffException(StaffErrorCode.CANNOT_CHANGE_OWN_ROLE, 'You cannot change your own role', { field: 'role' });
    await this.db.transaction(async (m) => {
      const target = await this.locked(m, id);
      if (target.role === role) return;
      if (target.role === Role.Admin) {
        await this.assertAnotherAdmin(m, id);
        // Keys an admin made act with the roles they were given: they end with the admin's role.
        await this.apiKeys.revokeAllOf(m, id, actor.id);
      }
      await this.staff.setRole(m, id, role);
      await this.securityLog.record({ kind: 'role_changed', userId: id, actorId: actor.id, detail: { from: target.role, to: role } }, m);
    });
    return this.get(id);
  }

  /** Disables an account: it cannot sign in, and its sessions and API keys end at once. */
  async disable(actor: AuthUser, id: string): Promise<StaffRow> {
    if (actor.id === id) throw new StaffException(StaffErrorCode.CANNOT_DISABLE_SELF, 'You cannot disable your own account');
    await this.db.transaction(async (m) => {
      const target = await this.locked(m, id);
      if (target.status === 'disabled') return;
      if (target.role === Role.Admin) await this.assertAnotherAdmin(m, id);
      await this.auth.setDisabled(actor, id, true, m);
    });
    return this.get(id);
  }

  /** Re-enables a disabled account: it signs in again with its password (an invited one still needs its link). */
  async enable(actor: AuthUser, id: string): Promise<StaffRow> {
    await this.db.transaction(async (m) => {
      const target = await this.locked(m, id);
      if (target.status !== 'disabled') return;
      await this.auth.setDisabled(actor, id, false, m);
    });
    return this.get(id);
  }

  private async locked(m: EntityManager, id: string): Promise<StaffRow> {
    const row = isUuid(id) ? await this.staff.lockForChange(m, id) : null;
    if (!row) throw new StaffException(StaffErrorCode.STAFF_NOT_FOUND, `No staff account ${id}`, { id });
    return row;
  }

  private async assertAnotherAdmin(m: EntityManager, id: string): Promise<void> {
    if ((await this.staff.otherActiveAdmins(m, id)) < 1) throw new StaffException(StaffErrorCode.LAST_ADMIN, 'There must always be at least one active admin');
  }
}

const isUuid = (id: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id);

/** A staff role in words. */
export function roleWords(locale: Locale, role: Role): string {
  return translate(locale, `role.${role}`);
}
