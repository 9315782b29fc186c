import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DomainEvents } from '../../events/domain-events';
import { ExchangeErrorCode, ExchangeException, parseMinor } from '../exchange.exception';
import { FeeService } from '../fees/fee.service';
import { NotificationService } from '../../mail/notifications.service';
import { DealStatusDto } from '../leads/lead.dto';
import { allowedNext, canMove, DealStatus } from './deal-status';

/** The receiving member moves its deal forward; every step is an append-only event. */
@Injectable()
export class DealService {
  constructor(
    private readonly db: DataSource,
    private readonly fees: FeeService,
    private readonly notifications: NotificationService,
    private readonly events: DomainEvents,
  ) {}

  async changeStatus(leadId: string, memberId: string, actorId: string, dto: DealStatusDto): Promise<void> {
    const wonValue = dto.status === 'won' ? (dto.wonValue === undefined ? undefined : parseMinor(dto.wonValue, 'wonValue')) : undefined;
    await this.db.transaction(async (m) => {
      const [lead] = await m.query(`SELECT id, routing_state, receiver_member_id, submitter_member_id, deal_status, currency FROM exchange_leads WHERE id = $1 FOR UPDATE`, [leadId]);
      if (!lead) throw new ExchangeException(ExchangeErrorCode.LEAD_NOT_FOUND, `No lead ${leadId}`);
      if (lead.receiver_member_id !== memberId) throw new ExchangeException(ExchangeErrorCode.LEAD_NOT_VISIBLE, 'This lead is not routed to your company');
      if (lead.routing_state !== 'accepted') {
        throw new ExchangeException(ExchangeErrorCode.STATUS_OUT_OF_ORDER, 'Accept the lead before tracking its deal', { from: null, to: dto.status, allowed: [] });
      }
      const from = lead.deal_status as DealStatus;
      if (!canMove(from, dto.status)) {
        throw new ExchangeException(ExchangeErrorCode.STATUS_OUT_OF_ORDER, `The deal cannot go from ${from} to ${dto.status}`, { from, to: dto.status, allowed: allowedNext(from) });
      }
      if (dto.status === 'won' && wonValue === undefined) throw new ExchangeException(ExchangeErrorCode.WON_VALUE_REQUIRED, 'A won deal needs its value', { field: 'wonValue' });
      if (dto.status === 'lost' && !dto.lostReason?.trim()) throw new ExchangeException(ExchangeErrorCode.LOST_REASON_REQUIRED, 'A lost deal needs a reason', { field: 'lostReason' });
      const closed = dto.status === 'won' || dto.status === 'lost';
      await m.query(
        `UPDATE exchange_leads SET deal_status = $2, status_changed_at = now(),
                first_contact_at = CASE WHEN $2 = 'contacted' THEN coalesce(first_contact_at, now()) ELSE first_contact_at END,
                won_value = $3, lost_reason = $4, closed_at = CASE WHEN $5 THEN now() ELSE closed_at END
          WHERE id = $1`,
        [leadId, dto.status, wonValue?.toString() ?? null, dto.status === 'lost' ? dto.lostReason!.trim() : null, closed],
      );
      await m.query(`INSERT INTO exchange_deal_events (lead_id, member_id, status, won_value, lost_reason, private_note, actor_id) VALUES ($1, $2, $3, $4, $5, $6, $7)`, [
        leadId,
        memberId,
        dto.status,
        wonValue?.toString() ?? null,
        dto.status === 'lost' ? dto.lostReason!.trim() : null,
        dto.note?.trim() || null,
        actorId,
      ]);
      if (dto.status === 'won') await this.fees.onWon(m, lead, wonValue!);
      if (dto.status === 'won') await this.events.publish(m, 'lead.won', { leadId, memberId, wonValue: wonValue!.toString(), currency: String(lead.currency).trim() });
      if (dto.status === 'lost') await this.events.publish(m, 'lead.lost', { leadId, memberId, reason: dto.lostReason!.trim() });
      if (closed && lead.submitter_member_id) {
        await this.notifications.notify(m, 'partner.lead_outcome', { memberId: lead.submitter_member_id }, { memberId: lead.submitter_member_id, leadId }, { dedupeKey: `lead-outcome:${leadId}` });
      }
    });
  }
}
