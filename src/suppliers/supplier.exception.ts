import { DomainException, unreachable } from '../common/errors/domain.exception';

export enum SupplierErrorCode {
  SELF_REFERRAL = 'SELF_REFERRAL',
  SUPPLIER_TAX_ID_TAKEN = 'SUPPLIER_TAX_ID_TAKEN',
  SUPPLIER_TAX_ID_MALFORMED = 'SUPPLIER_TAX_ID_MALFORMED',
  SUPPLIER_NOT_FOUND = 'SUPPLIER_NOT_FOUND',
}

export class SupplierException extends DomainException<SupplierErrorCode> {
  get httpStatus(): number {
    switch (this.code) {
      case SupplierErrorCode.SELF_REFERRAL:
        return 422;
      case SupplierErrorCode.SUPPLIER_TAX_ID_TAKEN:
        return 409;
      case SupplierErrorCode.SUPPLIER_TAX_ID_MALFORMED:
        return 400;
      case SupplierErrorCode.SUPPLIER_NOT_FOUND:
        return 404;
      default:
        return unreachable(this.code);
    }
  }
}
