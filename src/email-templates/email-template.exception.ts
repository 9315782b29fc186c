import { DomainException, unreachable } from '../common/errors/domain.exception';

export enum EmailTemplateErrorCode {
  TEMPLATE_SYNTAX_ERROR = 'TEMPLATE_SYNTAX_ERROR',
  TEMPLATE_UNKNOWN_PARTIAL = 'TEMPLATE_UNKNOWN_PARTIAL',
  TEMPLATE_RENDER_FAILED = 'TEMPLATE_RENDER_FAILED',
}

export class EmailTemplateException extends DomainException<EmailTemplateErrorCode> {
  get httpStatus(): number {
    switch (this.code) {
      case EmailTemplateErrorCode.TEMPLATE_SYNTAX_ERROR:
      case EmailTemplateErrorCode.TEMPLATE_UNKNOWN_PARTIAL:
      case EmailTemplateErrorCode.TEMPLATE_RENDER_FAILED:
        return 422;
      default:
        return unreachable(this.code);
    }
  }
}
