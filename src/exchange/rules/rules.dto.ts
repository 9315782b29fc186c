import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength, MinLength } from 'class-validator';

export class RulesVersionView {
  @ApiProperty({ description: 'Version number of the exchange rules' })
  version: number;
  @ApiProperty({ description: 'Full text of that version (includes the no-poaching rule)' })
  text: string;
  @ApiProperty({ description: 'When the version was published' })
  createdAt: Date;
}

export class NewRulesVersionDto {
  @ApiProperty({ description: 'Full text of the new rules version; earlier versions stay unchanged' })
  @IsString()
  @MinLength(20)
  @MaxLength(50_000)
  text: string;
}
