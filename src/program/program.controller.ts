import { Body, Controller, Get, Patch, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuthUser, CurrentUser, Public, Roles } from '../access/access.decorators';
import { Role } from '../access/role';
import { NewOfferVersionDto, OfferVersionView, ProgramView, UpdateProgramDto } from './program.dto';
import { ProgramService } from './program.service';

@ApiTags('program')
@Controller('api/program')
export class ProgramController {
  constructor(private readonly program: ProgramService) {}

  @Get()
  @Public()
  @ApiOperation({ summary: 'The program terms and the offer version to accept' })
  @ApiOkResponse({ type: ProgramView })
  get(): Promise<ProgramView> {
    return this.program.view();
  }

  @Patch()
  @Roles(Role.Admin)
  @ApiOperation({ summary: 'Change program terms; a changed offerText publishes a new offer version' })
  @ApiOkResponse({ type: ProgramView })
  update(@Body() dto: UpdateProgramDto, @CurrentUser() user: AuthUser): Promise<ProgramView> {
    return this.program.update(dto, user.id);
  }

  @Get('offer-versions')
  @Roles(Role.Admin)
  @ApiOperation({ summary: 'Every offer version, newest first' })
  @ApiOkResponse({ type: [OfferVersionView] })
  history(): Promise<OfferVersionView[]> {
    return this.program.offerHistory();
  }

  @Post('offer-versions')
  @Roles(Role.Admin)
  @ApiOperation({ summary: 'Publish a new offer version (immutable once published)' })
  @ApiCreatedResponse({ type: OfferVersionView })
  publish(@Body() dto: NewOfferVersionDto, @CurrentUser() user: AuthUser): Promise<OfferVersionView> {
    return this.program.publishOffer(dto, user.id);
  }
}
