import { ApiProperty } from '@nestjs/swagger';
import { VerifyReport } from './ledger.types';

export class VerifyReportView implements VerifyReport {
  @ApiProperty({ description: 'true when every invariant holds: postings balance per currency, stored balances equal their entries, running balances chain, every currency sums to zero' })
  ok: boolean;

  @ApiProperty({ description: 'Number of postings checked' })
  postings: number;

  @ApiProperty({ description: 'Number of entries checked' })
  entries: number;

  @ApiProperty({ description: 'Number of accounts checked' })
  accounts: number;

  @ApiProperty({ description: 'The first problem found, in words; absent when ok', required: false })
  firstDiscrepancy?: string;
}
