import { DomainException, unreachable } from '../common/errors/domain.exception';

export enum AudienceErrorCode {
  AUDIENCE_NOT_FOUND = 'AUDIENCE_NOT_FOUND',
  AUDIENCE_NAME_TAKEN = 'AUDIENCE_NAME_TAKEN',
  AUDIENCE_IMPORT_NOT_FOUND = 'AUDIENCE_IMPORT_NOT_FOUND',
  CONTACT_NOT_FOUND = 'CONTACT_NOT_FOUND',
  AUDIENCE_FILE_TOO_LARGE = 'AUDIENCE_FILE_TOO_LARGE',
  AUDIENCE_UNSUPPORTED_MEDIA_TYPE = 'AUDIENCE_UNSUPPORTED_MEDIA_TYPE',
  CSV_EMPTY = 'CSV_EMPTY',
  CSV_WRONG_DELIMITER = 'CSV_WRONG_DELIMITER',
  CSV_NO_EMAIL_COLUMN = 'CSV_NO_EMAIL_COLUMN',
  CSV_BROKEN_QUOTING = 'CSV_BROKEN_QUOTING',
  CSV_MALFORMED = 'CSV_MALFORMED',
  CSV_TOO_MANY_COLUMNS = 'CSV_TOO_MANY_COLUMNS',
  CSV_RECORD_TOO_LARGE = 'CSV_RECORD_TOO_LARGE',
}

export class AudienceException extends DomainException<AudienceErrorCode> {
  get httpStatus(): number {
    switch (this.code) {
      case AudienceErrorCode.AUDIENCE_NOT_FOUND:
      case AudienceErrorCode.AUDIENCE_IMPORT_NOT_FOUND:
      case AudienceErrorCode.CONTACT_NOT_FOUND:
        return 404;
      case AudienceErrorCode.AUDIENCE_NAME_TAKEN:
        return 409;
      case AudienceErrorCode.AUDIENCE_FILE_TOO_LARGE:
        return 413;
      case AudienceErrorCode.AUDIENCE_UNSUPPORTED_MEDIA_TYPE:
        return 415;
      case AudienceErrorCode.CSV_EMPTY:
      case AudienceErrorCode.CSV_WRONG_DELIMITER:
      case AudienceErrorCode.CSV_NO_EMAIL_COLUMN:
      case AudienceErrorCode.CSV_BROKEN_QUOTING:
      case AudienceErrorCode.CSV_MALFORMED:
      case AudienceErrorCode.CSV_TOO_MANY_COLUMNS:
      case AudienceErrorCode.CSV_RECORD_TOO_LARGE:
        return 422;
      default:
        return unreachable(this.code);
    }
  }
}
