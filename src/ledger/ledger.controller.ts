import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../access/access.decorators';
import { Role } from '../access/role';
import { VerifyReportView } from './ledger.dto';
import { LedgerService } from './ledger.service';

@ApiTags('ledger')
@Controller('api/ledger')
export class LedgerController {
  constructor(private readonly ledger: LedgerService) {}

  @Get('verify')
  @Roles(Role.Admin, Role.Finance)
  @ApiOperation({ summary: 'Recompute every balance from the entries and check the ledger invariants (read-only); reports the first discrepancy' })
  @ApiOkResponse({ type: VerifyReportView })
  verify(): Promise<VerifyReportView> {
    return this.ledger.verify();
  }
}
