import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsString, Length } from 'class-validator';
import { Role, STAFF_ROLES } from '../access/role';

export class CreateApiKeyDto {
  @ApiProperty({ description: 'What uses the key, for people (e.g. "ERP nightly export")', example: 'ERP nightly export' })
  @IsString()
  @Length(1, 100)
  name: string;

  @ApiProperty({ description: 'The staff role the key acts with: it may call exactly the routes that role may', enum: STAFF_ROLES })
  @IsIn(STAFF_ROLES)
  role: Role;
}

export class ApiKeyView {
  @ApiProperty({ description: 'Key id' })
  id: string;
  @ApiProperty({ description: 'Name given' })
  name: string;
  @ApiProperty({ description: 'The visible start of the key (hs_<prefix>_…), to recognise it' })
  prefix: string;
  @ApiProperty({ description: 'Role it acts with', enum: STAFF_ROLES })
  role: Role;
  @ApiProperty({ description: 'Admin who made it (requests with it are recorded as theirs)' })
  createdBy: string;
  @ApiProperty({ description: 'Their email' })
  createdByEmail: string;
  @ApiProperty({ description: 'When it was made' })
  createdAt: Date;
  @ApiProperty({ description: 'Last request with it (to the minute)', nullable: true, type: Date })
  lastUsedAt: Date | null;
  @ApiProperty({ description: 'When it was revoked (refused since)', nullable: true, type: Date })
  revokedAt: Date | null;
}

export class CreatedApiKeyView extends ApiKeyView {
  @ApiProperty({ description: 'The key itself (hs_<prefix>_<secret>): shown only in this answer; send it as Authorization: Bearer <key>' })
  key: string;
}
