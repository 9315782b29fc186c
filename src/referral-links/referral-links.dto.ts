import { ApiProperty } from '@nestjs/swagger';

/** One referral code's path: visits of its link → suppliers signed up → suppliers paying. */
export class CodePathView {
  @ApiProperty({ description: 'The promo code (upper case)' })
  code: string;
  @ApiProperty({ description: 'active, paused or revoked (paused and revoked codes count no visits)', enum: ['active', 'paused', 'revoked'] })
  status: string;
  @ApiProperty({ description: 'Referrer who owns the code' })
  referrerId: string;
  @ApiProperty({ description: "Referrer's full name" })
  referrerName: string;
  @ApiProperty({ description: "Referrer's company" })
  referrerCompany: string;
  @ApiProperty({ description: 'Visits of the referral link by people: distinct visitors per day, all time' })
  visitsPeople: number;
  @ApiProperty({ description: 'Visits by bots, link scanners and HTTP libraries, counted apart (distinct visitors per day)' })
  visitsBots: number;
  @ApiProperty({ description: 'Suppliers who signed up with this code (typed or through the link)' })
  signUps: number;
  @ApiProperty({ description: 'Of those, suppliers who came through the referral link' })
  linkSignUps: number;
  @ApiProperty({ description: 'Suppliers of this code with at least one paid invoice' })
  paying: number;
  @ApiProperty({ description: 'Link sign-ups ÷ people visits, basis points rounded half-up; null without visits', nullable: true, type: Number })
  visitToSignUpBp: number | null;
  @ApiProperty({ description: 'Paying ÷ sign-ups, basis points rounded half-up; null without sign-ups', nullable: true, type: Number })
  signUpToPayingBp: number | null;
}
