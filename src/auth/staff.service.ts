import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AccountView } from './auth.dto';
import { AuthService } from './auth.service';
import { Role } from '../access/role';

/** Staff accounts (finance, marketer, admin); created by an admin or by the CLI. */
@Injectable()
export class StaffService {
  constructor(
    private readonly db: DataSource,
    private readonly auth: AuthService,
  ) {}

  async create(email: string, password: string, role: Role): Promise<AccountView> {
    const user = await this.db.transaction((m) => this.auth.createUser(m, email, password, role));
    return { id: user.id, email: user.email, role: user.role };
  }
}
