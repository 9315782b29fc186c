import { ApiProperty } from '@nestjs/swagger';
import { IsString, Matches, MaxLength, MinLength } from 'class-validator';

export class NewTagDto {
  @ApiProperty({ description: 'Short identifier: lower-case letters, digits and dashes', example: 'erp-integration' })
  @IsString()
  @Matches(/^[a-z0-9][a-z0-9-]{0,47}$/, { message: 'slug must be lower-case letters, digits and dashes (up to 48)' })
  slug: string;

  @ApiProperty({ description: 'Human-readable name of the expertise', example: 'ERP integration' })
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  label: string;
}

export class TagView {
  @ApiProperty({ description: 'Tag identifier used in member profiles and leads' })
  slug: string;
  @ApiProperty({ description: 'Human-readable name' })
  label: string;
}
