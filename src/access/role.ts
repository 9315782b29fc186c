/** Every account has exactly one role. Staff roles are granted by an admin. */
export enum Role {
  Referrer = 'referrer',
  Supplier = 'supplier',
  Finance = 'finance',
  Marketer = 'marketer',
  Admin = 'admin',
  Partner = 'partner',
}

export const ALL_ROLES = Object.values(Role);
export const STAFF_ROLES = [Role.Finance, Role.Marketer, Role.Admin];
