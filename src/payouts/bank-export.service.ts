import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { csvNumber, toCsv } from '../common/csv/csv';
import { minorDigits } from '../money/money';
import { BankDetails, normalizeBankDetails } from '../payout-details/bank-details';
import { PayoutDetailsErrorCode, PayoutDetailsException } from '../payout-details/payout-details.exception';
import { PayoutDetailsService } from '../payout-details/payout-details.service';
import { BatchStatus } from './payout-batch.entity';
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
   */
  async painXml(batchId: string, payer: BankDetails): Promise<string> {
    const { details: debtor, problems } = normalizeBankDetails(payer);
    if (problems.length > 0) throw new PayoutDetailsException(PayoutDetailsErrorCode.BANK_DETAILS_MALFORMED, `payer: ${problems.map((p) => p.problem).join('; ')}`, problems);
    const rows = await this.pendingBankItems(batchId);
    const txs = rows.map((r) => ({ ...r, bank: this.details.openBank(r.referrer_id, r.bank_encrypted), currency: r.currency.trim() }));
    const sum = (list: typeof txs) => list.reduce((s, r) => s + r.amount, 0n);
    const currency = txs[0]?.currency ?? 'RUB';
    const now = new Date();
    const compact = (id: string) => id.replace(/-/g, '');
    const tx = txs
      .map(
        (r) => `      <CdtTrfTxInf>
        <PmtId><EndToEndId>${compact(r.id)}</EndToEndId></PmtId>
        <Amt><InstdAmt Ccy="${r.currency}">${majorUnits(r.amount, r.currency)}</InstdAmt></Amt>
        <CdtrAgt>${agent(r.bank.bankIdentifier)}</CdtrAgt>
        <Cdtr><Nm>${xml(r.bank.accountHolder)}</Nm></Cdtr>
        <CdtrAcct>${accountId(r.bank.accountNumber)}</CdtrAcct>
        <RmtInf><Ustrd>Referral commission payout ${compact(r.id)}</Ustrd></RmtInf>
      </CdtTrfTxInf>`,
      )
      .join('\n');
    return `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.001.001.03">
  <CstmrCdtTrfInitn>
    <GrpHdr>
      <MsgId>${compact(batchId)}</MsgId>
      <CreDtTm>${now.toISOString().slice(0, 19)}</CreDtTm>
      <NbOfTxs>${txs.length}</NbOfTxs>
      <CtrlSum>${majorUnits(sum(txs), currency)}</CtrlSum>
      <InitgPty><Nm>${xml(debtor.accountHolder)}</Nm></InitgPty>
    </GrpHdr>
    <PmtInf>
      <PmtInfId>${compact(batchId)}</PmtInfId>
      <PmtMtd>TRF</PmtMtd>
      <NbOfTxs>${txs.length}</NbOfTxs>
      <CtrlSum>${majorUnits(sum(txs), currency)}</CtrlSum>
      <ReqdExctnDt>${now.toISOString().slice(0, 10)}</ReqdExctnDt>
      <Dbtr><Nm>${xml(debtor.accountHolder)}</Nm></Dbtr>
      <DbtrAcct>${accountId(debtor.accountNumber)}</DbtrAcct>
      <DbtrAgt>${agent(debtor.bankIdentifier)}</DbtrAgt>
${tx}
    </PmtInf>
  </CstmrCdtTrfInitn>
</Document>
`;
  }

  private async pendingBankItems(batchId: string): Promise<{ id: string; referrer_id: string; amount: bigint; currency: string; bank_encrypted: Buffer }[]> {
    const batch = await this.payouts.batchView(batchId);
    if (batch.status === BatchStatus.Cancelled) throw new PayoutException(PayoutErrorCode.BATCH_CANCELLED, 'The batch was cancelled');
    if (batch.status === BatchStatus.Created) throw new PayoutException(PayoutErrorCode.BATCH_NOT_APPROVED, 'Bank files are exported only from an approved batch');
    return this.db.query(
      `SELECT id, referrer_id, amount, currency, bank_encrypted FROM payout_items WHERE batch_id = $1 AND method = 'bank' AND status = 'pending' ORDER BY id`,
      [batchId],
    );
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

function xml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

/** A Russian BIC is a clearing-system member id (RUCBC); a SWIFT code is a BIC. */
function agent(bankIdentifier: string): string {
  return /^\d{9}$/.test(bankIdentifier)
    ? `<FinInstnId><ClrSysMmbId><ClrSysId><Cd>RUCBC</Cd></ClrSysId><MmbId>${bankIdentifier}</MmbId></ClrSysMmbId></FinInstnId>`
    : `<FinInstnId><BIC>${bankIdentifier}</BIC></FinInstnId>`;
}

function accountId(account: string): string {
  return /^\d+$/.test(account) ? `<Id><Othr><Id>${account}</Id></Othr></Id>` : `<Id><IBAN>${account}</IBAN></Id>`;
}
