import { Body, Controller, HttpCode, Post, Req } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { CommonErrorCode, CommonException } from '../common/errors/common.exception';
import { Public } from '../access/access.decorators';
import { BounceService } from './bounce.service';
import { BounceReportDto, BounceResultView } from './tracking.dto';

/** Delayed bounces and complaints; opens and clicks are served by TrackingHitsMiddleware. */
@ApiTags('tracking')
@Controller()
export class TrackingController {
  constructor(private readonly bounces: BounceService) {}

  @Post('api/tracking/bounces')
  @Public()
  @HttpCode(200)
  @ApiOperation({ summary: 'Report a delayed bounce (DSN) or a complaint for a message, by its X-Handshake-Ref header; a forged reference gets 404' })
  @ApiOkResponse({ type: BounceResultView })
  bounce(@Body() dto: BounceReportDto): Promise<BounceResultView> {
    return this.bounces.report(dto);
  }

  @Post('api/tracking/dsn')
  @Public()
  @HttpCode(200)
  @ApiOperation({ summary: 'Report a raw bounce message (DSN, RFC 3464) or ARF complaint as the MTA received it; the quoted X-Handshake-Ref header names the recipient' })
  @ApiConsumes('message/rfc822', 'text/plain')
  @ApiBody({ description: 'The bounce message, as received', schema: { type: 'string' } })
  @ApiOkResponse({ type: BounceResultView })
  async dsn(@Req() req: Request): Promise<BounceResultView> {
    return this.bounces.reportRaw(await readText(req, 1024 * 1024));
  }
}

async function readText(req: Request, limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new CommonException(CommonErrorCode.PAYLOAD_TOO_LARGE, 'The bounce message is larger than 1 MB');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}
