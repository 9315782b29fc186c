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
  @ApiProperty({ description: 'numerator / denominator in basis points (10000 = 100%), rounded half-up; null when the denominator is 0', nullable: true, type: Number })
  bp: number | null;
}

export class MachineCausesView {
  @ApiProperty({ description: 'Machine-only recipients first seen through a privacy proxy (Apple Mail Privacy Protection address or bare agent)' })
  privacyProxy: number;
  @ApiProperty({ description: 'Machine-only recipients first seen through a scanner, bot or HEAD request' })
  scanner: number;
  @ApiProperty({ description: 'Machine-only recipients whose first hit came too soon after delivery to be a person' })
  tooSoon: number;
}

export class FunnelMachineView {
  @ApiProperty({ description: 'openedMachine broken down by the cause of each recipient\'s first machine hit', type: MachineCausesView })
  opens: MachineCausesView;
  @ApiProperty({ description: 'clickedMachine broken down by the cause of each recipient\'s first machine click', type: MachineCausesView })
  clicks: MachineCausesView;
}

export class LeftOutView {
  @ApiProperty({ description: 'Contacts left out when recipients were listed: unsubscribed' })
  unsubscribed: number;
  @ApiProperty({ description: 'Left out at listing: an earlier hard bounce' })
  hardBounce: number;
  @ApiProperty({ description: 'Left out at listing: a complaint' })
  complaint: number;
  @ApiProperty({ description: 'Left out at listing: suppressed by hand' })
  manual: number;
  @ApiProperty({ description: 'Listed, then skipped at sending because the address was suppressed meanwhile' })
  afterListing: number;
  @ApiProperty({ description: 'All of the above' })
  total: number;
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
  @ApiProperty({ description: 'Machine figures by cause', type: FunnelMachineView })
  machine: FunnelMachineView;
  @ApiProperty({ description: 'Suppressed addresses of the audience the campaign did not mail, and why', type: LeftOutView })
  leftOut: LeftOutView;
}
