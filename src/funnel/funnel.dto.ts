import { ApiProperty } from '@nestjs/swagger';

export class FunnelFiguresView {
  @ApiProperty({ description: 'Recipients listed when sending started' })
  listed: number;
  @ApiProperty({ description: 'Recipients whose message got a final SMTP answer' })
  sent: number;
  @ApiProperty({ description: 'Recipients bounced (5xx at send or a later DSN)' })
  bounced: number;
  @ApiProperty({ description: 'sent − bounced' })
  delivered: number;
  @ApiProperty({ description: 'Unique recipients with a human open (a human click counts as an open)' })
  openedHuman: number;
  @ApiProperty({ description: 'Unique recipients opened only by machines (privacy proxies, scanners)' })
  openedMachine: number;
  @ApiProperty({ description: 'Unique recipients with a human click' })
  clickedHuman: number;
  @ApiProperty({ description: 'Unique recipients whose links were clicked only by machines (scanners, too soon after delivery)' })
  clickedMachine: number;
  @ApiProperty({ description: 'Referrers registered through the campaign\'s personal links' })
  registered: number;
  @ApiProperty({ description: 'Of those, referrers whose code was redeemed at least once' })
  activeReferrers: number;
  @ApiProperty({ description: 'Suppliers signed up with those referrers\' codes' })
  suppliers: number;
  @ApiProperty({ description: 'Of those, suppliers with at least one paid invoice' })
  converted: number;
}

export class FunnelRateView {
  @ApiProperty({ description: 'Rate name: open, click, registration, activation, suppliersPerActive, conversionOfOpened, conversionOfRegistered, bounce' })
  name: string;
  @ApiProperty({ description: 'Figure the numerator is (a FunnelFigures field name)' })
  numerator: string;
  @ApiProperty({ description: 'Numerator value' })
  numeratorValue: number;
  @ApiProperty({ description: 'Figure the denominator is (a FunnelFigures field name)' })
  denominator: string;
  @ApiProperty({ description: 'Denominator value' })
  denominatorValue: number;
  @ApiProperty({ description: 'numerator / denominator in basis points (10000 = 100%), rounded down; null when the denominator is 0', nullable: true, type: Number })
  bp: number | null;
}

export class FunnelView {
  @ApiProperty({ description: 'Campaign id' })
  campaignId: string;
  @ApiProperty({ description: 'Campaign name' })
  campaignName: string;
  @ApiProperty({ description: 'Campaign status' })
  status: string;
  @ApiProperty({ description: 'Counts at each stage, from counters', type: FunnelFiguresView })
  figures: FunnelFiguresView;
  @ApiProperty({ description: 'Rates as PRODUCT.md defines them, each with numerator and denominator', type: [FunnelRateView] })
  rates: FunnelRateView[];
}
