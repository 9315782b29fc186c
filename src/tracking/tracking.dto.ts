import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Matches, MaxLength } from 'class-validator';

export class BounceReportDto {
  @ApiProperty({ description: 'The X-Handshake-Ref header of the original message (a signed reference to the recipient)' })
  @IsString()
  @MaxLength(200)
  ref: string;

  @ApiProperty({ description: 'bounce (a DSN) or complaint (a feedback-loop report)', enum: ['bounce', 'complaint'] })
  @IsIn(['bounce', 'complaint'])
  kind: 'bounce' | 'complaint';

  @ApiPropertyOptional({ description: 'DSN status code, e.g. 5.1.1; 4.x.x is recorded but does not mark the recipient bounced', example: '5.1.1' })
  @IsOptional()
  @Matches(/^[245]\.\d{1,3}\.\d{1,3}$/, { message: 'status must be a DSN status code such as 5.1.1' })
  status?: string;

  @ApiPropertyOptional({ description: 'Diagnostic text from the DSN' })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  diagnostic?: string;
}

export class BounceResultView {
  @ApiProperty({ description: 'True when this report newly marked the recipient bounced (first bounce counted once)' })
  counted: boolean;
  @ApiProperty({ description: 'True when the address is now on the suppression list' })
  suppressed: boolean;
}
