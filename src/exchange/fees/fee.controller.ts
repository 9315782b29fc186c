import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { AuthUser, CurrentUser, Roles } from '../../access/access.decorators';
import { Role } from '../../access/role';
import { MemberService } from '../members/member.service';
import { MemberFeesView } from './fee.dto';
import { FeeService } from './fee.service';

@ApiTags('exchange')
@Controller('api/exchange/members/me/fees')
export class FeeController {
  constructor(
    private readonly fees: FeeService,
    private readonly members: MemberService,
    private readonly db: DataSource,
  ) {}

  @Get()
  @Roles(Role.Partner)
  @ApiOperation({ summary: 'Referral fees credited to the signed-in member for leads it submitted that were won, and its balance (available to be paid out)' })
  @ApiOkResponse({ type: MemberFeesView })
  async mine(@CurrentUser() user: AuthUser): Promise<MemberFeesView> {
    const member = await this.members.memberOfUser(user.id, false);
    return this.fees.forMember(member.id, this.db.manager);
  }
}
