import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsString, MaxLength, MinLength } from 'class-validator';

export class CreateAudienceDto {
  @ApiProperty({ description: 'Unique audience name', example: 'Buyers 2026' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name: string;
}

export class AudienceView {
  @ApiProperty({ description: 'Audience id' })
  id: string;
  @ApiProperty({ description: 'Audience name' })
  name: string;
  @ApiProperty({ description: 'Contacts in it' })
  contacts: number;
  @ApiProperty({ description: 'Created at' })
  createdAt: Date;
}

export class RejectedRowView {
  @ApiProperty({ description: 'Line number in the file (the header is line 1)' })
  line: number;
  @ApiPropertyOptional({ description: 'The address on that line, if any', type: String })
  email?: string;
  @ApiProperty({ description: 'Why the row was not imported (English; pages show `code` in the reader\'s language)' })
  reason: string;
  @ApiPropertyOptional({ description: 'Why, as a code: FIELD_COUNT, NO_EMAIL, INVALID_EMAIL or DUPLICATE', enum: ['FIELD_COUNT', 'NO_EMAIL', 'INVALID_EMAIL', 'DUPLICATE'] })
  code?: 'FIELD_COUNT' | 'NO_EMAIL' | 'INVALID_EMAIL' | 'DUPLICATE';
  @ApiPropertyOptional({ description: 'Values in the reason: fields and width (FIELD_COUNT), email (INVALID_EMAIL), of: the earlier line (DUPLICATE)' })
  params?: Record<string, string | number>;
}

export class ImportFailureView {
  @ApiProperty({ description: 'Error code, e.g. CSV_TOO_MANY_COLUMNS' })
  code: string;
  @ApiProperty({ description: 'Message in the language of the person who imported' })
  message: string;
}

export class ImportReportView {
  @ApiProperty({ description: 'Import id' })
  importId: string;
  @ApiProperty({ description: 'Audience id' })
  audienceId: string;
  @ApiProperty({ description: 'done, or failed (nothing imported)' })
  status: 'done' | 'failed';
  @ApiProperty({ description: 'Data rows read' })
  rows: number;
  @ApiProperty({ description: 'New contacts' })
  imported: number;
  @ApiProperty({ description: 'Existing contacts updated' })
  updated: number;
  @ApiProperty({ description: 'Rows rejected (invalid, duplicate, malformed)' })
  rejected: number;
  @ApiProperty({ description: 'Rows skipped because the address is suppressed' })
  suppressed: number;
  @ApiProperty({ description: 'Rejected rows with line and reason (the first 1000)', type: [RejectedRowView] })
  rejections: RejectedRowView[];
  @ApiProperty({ description: 'Bytes read' })
  bytes: number;
  @ApiPropertyOptional({ description: 'Why a failed import was refused: the error code and message it answered with', type: ImportFailureView })
  error?: ImportFailureView;
}
