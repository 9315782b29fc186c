import { Injectable } from '@nestjs/common';
import { CommonErrorCode, CommonException } from '../common/errors/common.exception';
import { MailerService } from './mailer.service';
import { OutboxMessageView, OutboxPageView, OutboxQuery } from './outbox.dto';
import { OutboxRepository } from './outbox.repository';

export const OUTBOX_PER_PAGE = 50;

/** Reading the outbox (admins). */
@Injectable()
export class OutboxService {
  constructor(
    private readonly outbox: OutboxRepository,
    private readonly mailer: MailerService,
  ) {}

  async list(query: OutboxQuery): Promise<OutboxPageView> {
    const perPage = query.perPage ?? OUTBOX_PER_PAGE;
    const page = query.page ?? 1;
    const q = query.q?.trim() || undefined;
    const { total, items } = await this.outbox.list(q, perPage, (page - 1) * perPage);
    return { total, page, perPage, delivery: this.mailer.delivery, items };
  }

  async get(id: string): Promise<OutboxMessageView> {
    const row = /^\d{1,18}$/.test(id) ? await this.outbox.get(id) : undefined;
    if (!row) throw new CommonException(CommonErrorCode.NOT_FOUND, `No outbox message ${id}`);
    return row;
  }
}
