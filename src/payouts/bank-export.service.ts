import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { create } from 'xmlbuilder2';
import type { XMLBuilder } from 'xmlbuilder2/lib/interfaces';
import { csvNumber, toCsv } from '../common/csv/csv';
import { minorDigits } from '../money/money';
import { BankDetails, normalizeBankDetails } from '../payout-details/bank-details';
import { PayoutDetailsErrorCode, PayoutDetailsException } from '../payout-details/payout-details.exception';
import { PayoutDetailsService } from '../payout-details/payout-details.service';
import { Locale, translate } from '../i18n/messages';
import { BatchStatus } from './payout-batch.entity';
import { PayoutBatchView } from './payouts.dto';
import './payouts.messages';
import { PayoutErrorCode, PayoutException } from './payouts.exception';
import { PayoutsService } from './payouts.service';

/** Decimal major units ("1500.00", "-66.67") for banks, exact. */
export function majorUnits(amount: bigint, currency: string): string {
  const digits = minorDigits(currency);
  if (digits === 0) return amount.toString();
  const scale = 10n ** BigInt(digits);
  const abs = amount < 0n ? -amount : amount;
  return `${amount < 0n ? '-' : ''}${abs / scale}.${(abs % scale).toString().padStart(digits, '0')}`;
}

/** Bank-transfer items of an approved batch, decrypted for the payment file, and all items as CSV. */
@Injectable()
export class BankExportService {
  constructor(
    private readonly db: DataSource,
    private readonly payouts: PayoutsService,
    private readonly details: PayoutDetailsService,
  ) {}

  /**
   * The same transfers as an ISO 20022 credit transfer initiation (pain.001.001.03), the file most
   * bank portals import. The payer's own account comes with the request (it is not stored here).
   * A batch with no bank transfer left to pay has no valid file (the schema needs at least one
   * transaction): it is refused with NO_BANK_TRANSFERS_TO_EXPORT.
   */
  async painXml(batchId: string, payer: BankDetails, locale: Locale = 'en'): Promise<string> {
    const { details: debtor, problems } = normalizeBankDetails(payer);
    if (problems.length > 0) throw new PayoutDetailsException(PayoutDetailsErrorCode.BANK_DETAILS_MALFORMED, `payer: ${problems.map((p) => p.problem).join('; ')}`, problems);
    const { batch, rows } = await this.pendingBankItemsOf(batchId);
    if (rows.length === 0) {
      throw new PayoutException(PayoutErrorCode.NO_BANK_TRANSFERS_TO_EXPORT, translate(locale, 'payouts.error.NO_BANK_TRANSFERS_TO_EXPORT'), { batchId });
    }
    return buildPain001({
      messageId: batchId,
      createdAt: new Date(),
      currency: batch.currency,
      debtor,
      transfers: rows.map((r) => {
        // Items are created in their batch's currency; a file never mixes or guesses currencies.
        if (r.currency.trim() !== batch.currency) throw new Error(`payout item ${r.id} is in ${r.currency.trim()}, its batch in ${batch.currency}`);
        return { id: r.id, amount: r.amount, creditor: this.details.openBank(r.referrer_id, r.bank_encrypted) };
      }),
    });
  }

  private async pendingBankItems(batchId: string): Promise<BankItemRow[]> {
    return (await this.pendingBankItemsOf(batchId)).rows;
  }

  private async pendingBankItemsOf(batchId: string): Promise<{ batch: PayoutBatchView; rows: BankItemRow[] }> {
    const batch = await this.payouts.batchView(batchId);
    if (batch.status === BatchStatus.Cancelled) throw new PayoutException(PayoutErrorCode.BATCH_CANCELLED, 'The batch was cancelled');
    if (batch.status === BatchStatus.Created) throw new PayoutException(PayoutErrorCode.BATCH_NOT_APPROVED, 'Bank files are exported only from an approved batch');
    const rows: BankItemRow[] = await this.db.query(
      `SELECT id, referrer_id, amount, currency, bank_encrypted FROM payout_items WHERE batch_id = $1 AND method = 'bank' AND status = 'pending' ORDER BY id`,
      [batchId],
    );
    return { batch, rows };
  }

  /** One row per bank item still to be paid; the item id goes in the payment purpose so the statement can be matched. */
  async bankCsv(batchId: string): Promise<string> {
    const rows = await this.pendingBankItems(batchId);
    return toCsv(
      ['item_id', 'referrer_id', 'account_holder', 'bank_identifier', 'account_number', 'amount', 'currency', 'purpose'],
      rows.map((r) => {
        const bank = this.details.openBank(r.referrer_id, r.bank_encrypted);
        const currency = r.currency.trim();
        return [r.id, r.referrer_id, bank.accountHolder, bank.bankIdentifier, bank.accountNumber, csvNumber(majorUnits(r.amount, currency)), currency, `Referral commission payout ${r.id}`];
      }),
    );
  }

  async itemsCsv(batchId: string): Promise<string> {
    await this.payouts.batchView(batchId);
    const items = await this.payouts.itemViews(`i.batch_id = $1`, [batchId]);
    return toCsv(
      ['item_id', 'referrer_id', 'email', 'method', 'amount_minor', 'currency', 'status', 'stripe_transfer_id', 'failure_reason', 'resolved_at'],
      items.map((i) => [i.id, i.referrerId, i.email, i.method, BigInt(i.amount), i.currency, i.status, i.stripeTransferId, i.failureReason, i.resolvedAt]),
    );
  }
}

interface BankItemRow {
  id: string;
  referrer_id: string;
  amount: bigint;
  currency: string;
  bank_encrypted: Buffer;
}

export interface Pain001Input {
  /** Batch id: message and payment-information id (hyphens dropped, 32 characters). */
  messageId: string;
  createdAt: Date;
  /** ISO 4217 currency of every transfer (the batch's). */
  currency: string;
  debtor: BankDetails;
  /** At least one; amounts positive, minor units. */
  transfers: { id: string; amount: bigint; creditor: BankDetails }[];
}

/** An ISO 20022 pain.001.001.03 document built with xmlbuilder2 (escaping, element order of the schema). */
export function buildPain001(input: Pain001Input): string {
  const { currency, transfers } = input;
  if (transfers.length === 0) throw new Error('a pain.001 file needs at least one transfer');
  if (!/^[A-Z]{3}$/.test(currency)) throw new Error(`not an ISO 4217 currency: ${currency}`);
  for (const t of transfers) if (t.amount <= 0n) throw new Error(`transfer ${t.id} has a non-positive amount`);
  const compact = (id: string) => id.replace(/-/g, '');
  const total = majorUnits(
    transfers.reduce((sum, t) => sum + t.amount, 0n),
    currency,
  );
  const iso = input.createdAt.toISOString();
  const doc = create({ version: '1.0', encoding: 'UTF-8' }).ele(PAIN_001_NS, 'Document').ele('CstmrCdtTrfInitn');
  doc
    .ele('GrpHdr')
    .ele('MsgId').txt(compact(input.messageId)).up()
    .ele('CreDtTm').txt(iso.slice(0, 19)).up()
    .ele('NbOfTxs').txt(String(transfers.length)).up()
    .ele('CtrlSum').txt(total).up()
    .ele('InitgPty').ele('Nm').txt(input.debtor.accountHolder);
  const pmt = doc
    .ele('PmtInf')
    .ele('PmtInfId').txt(compact(input.messageId)).up()
    .ele('PmtMtd').txt('TRF').up()
    .ele('NbOfTxs').txt(String(transfers.length)).up()
    .ele('CtrlSum').txt(total).up()
    .ele('ReqdExctnDt').txt(iso.slice(0, 10)).up();
  pmt.ele('Dbtr').ele('Nm').txt(input.debtor.accountHolder);
  account(pmt.ele('DbtrAcct'), input.debtor.accountNumber);
  agent(pmt.ele('DbtrAgt'), input.debtor.bankIdentifier);
  for (const t of transfers) {
    const tx = pmt.ele('CdtTrfTxInf');
    tx.ele('PmtId').ele('EndToEndId').txt(compact(t.id));
    tx.ele('Amt').ele('InstdAmt', { Ccy: currency }).txt(majorUnits(t.amount, currency));
    agent(tx.ele('CdtrAgt'), t.creditor.bankIdentifier);
    tx.ele('Cdtr').ele('Nm').txt(t.creditor.accountHolder);
    account(tx.ele('CdtrAcct'), t.creditor.accountNumber);
    tx.ele('RmtInf').ele('Ustrd').txt(`Referral commission payout ${compact(t.id)}`);
  }
  return doc.end({ prettyPrint: true }) + '\n';
}

export const PAIN_001_NS = 'urn:iso:std:iso:20022:tech:xsd:pain.001.001.03';

/** A Russian BIC is a clearing-system member id (RUCBC); a SWIFT code is a BIC. */
function agent(parent: XMLBuilder, bankIdentifier: string): void {
  const inst = parent.ele('FinInstnId');
  if (/^\d{9}$/.test(bankIdentifier)) inst.ele('ClrSysMmbId').ele('ClrSysId').ele('Cd').txt('RUCBC').up().up().ele('MmbId').txt(bankIdentifier);
  else inst.ele('BIC').txt(bankIdentifier);
}

/** A Russian account (digits only) is an "other" id; anything else is an IBAN. */
function account(parent: XMLBuilder, accountNumber: string): void {
  const id = parent.ele('Id');
  if (/^\d+$/.test(accountNumber)) id.ele('Othr').ele('Id').txt(accountNumber);
  else id.ele('IBAN').txt(accountNumber);
}
