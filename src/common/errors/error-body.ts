import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class ErrorDetail {
  @ApiProperty({ description: 'Machine-readable error code, e.g. PROMO_CODE_PAUSED' })
  code: string;

  @ApiProperty({ description: 'Human-readable explanation' })
  message: string;

  @ApiPropertyOptional({ description: 'Structured context: offending fields, limits, ids', type: Object })
  details?: unknown;

  @ApiProperty({ description: 'Correlation id of the request; also in the x-correlation-id header and the logs' })
  correlationId: string;
}

/** The one error shape every endpoint answers with. */
export class ErrorBody {
  @ApiProperty({ description: 'The error', type: ErrorDetail })
  error: ErrorDetail;
}
