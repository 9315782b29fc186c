import { ApiProperty } from '@nestjs/swagger';
import { IsInt } from 'class-validator';

export class ChangeSplitDto {
  @ApiProperty({ description: 'Supplier discount in basis points, within the program bounds; the commission is budget − discount', example: 1000 })
  @IsInt({ message: 'discountBp must be an integer number of basis points' })
  discountBp: number;
}

export class SplitView {
  @ApiProperty({ description: 'Discount a supplier gets, basis points' })
  discountBp: number;
  @ApiProperty({ description: 'Commission the referrer earns, basis points (= budget − discount)' })
  commissionBp: number;
  @ApiProperty({ description: 'The program budget the split divides, basis points' })
  budgetBp: number;
  @ApiProperty({ description: 'When this split took effect' })
  since: Date;
}

export class SplitBoundsView {
  @ApiProperty({ description: 'Lowest allowed discount, basis points' })
  discountMinBp: number;
  @ApiProperty({ description: 'Highest allowed discount, basis points' })
  discountMaxBp: number;
  @ApiProperty({ description: 'Program budget, basis points' })
  budgetBp: number;
}
