import type { Request } from 'express';
import { formatCount, formatDate } from '../money/money-format';
import { ViewService } from '../web/view.service';
import { funnelSvg, timelineSvg } from './funnel-report';
import { FunnelView } from './funnel.dto';
import { FunnelService } from './funnel.service';
import './funnel.messages';

const CAUSES = ['privacyProxy', 'scanner', 'tooSoon'] as const;
const LEFT_OUT = ['unsubscribed', 'hardBounce', 'complaint', 'manual', 'afterListing'] as const;

/** What the funnel page and the campaign page draw from a FunnelView, in the reader's language. */
export function funnelPageData(views: ViewService, req: Request, f: FunnelView): Record<string, unknown> {
  const locale = views.locale(req);
  const labels = Object.fromEntries(Object.keys(f.figures).map((k) => [k, views.t(req, `funnel.stage.${k}`)]));
  const chart = funnelSvg(
    f.figures,
    labels,
    { people: views.t(req, 'funnel.legend.people'), machine: views.t(req, 'funnel.legend.machine'), bounced: views.t(req, 'funnel.legend.bounced'), title: views.t(req, 'funnel.chartTitle') },
    (n) => formatCount(locale, n),
  );
  const stageKeys = Object.fromEntries(Object.keys(f.figures).map((k) => [k, `funnel.stage.${k}`]));
  const rateKeys = Object.fromEntries(f.rates.map((r) => [r.name, `funnel.rateName.${r.name}`]));
  const stages = Object.entries(f.figures).map(([key, value]) => ({ key, value }));
  const causes = CAUSES.map((c) => ({ key: c, label: `funnel.cause.${c}`, opens: f.machine.opens[c], clicks: f.machine.clicks[c] }));
  const leftOut = LEFT_OUT.map((k) => ({ key: k, label: `funnel.leftOut.${k}`, value: f.leftOut[k] })).filter((r) => r.value > 0);
  return { funnel: f, chart, stageKeys, rateKeys, stages, causes, leftOut };
}

/** The opens-and-clicks-over-time chart of a campaign (null before it started). */
export async function timelineChart(views: ViewService, req: Request, funnel: FunnelService, campaignId: string): Promise<string | null> {
  const tl = await funnel.timeline(campaignId);
  if (!tl.from || !tl.to) return null;
  const locale = views.locale(req);
  const zone = views.timeZone(); // the program's, as the page names it
  const series = [
    { key: 'openPeople', kind: 'open', tone: 'people', values: tl.openPeople },
    { key: 'clickPeople', kind: 'click', tone: 'people', values: tl.clickPeople },
    { key: 'openMachine', kind: 'open', tone: 'machine', values: tl.openMachine },
    { key: 'clickMachine', kind: 'click', tone: 'machine', values: tl.clickMachine },
  ] as const;
  return timelineSvg(
    series.map((s) => ({ ...s, label: views.t(req, `funnel.series.${s.key}`) })),
    { from: formatDate(locale, tl.from, 'dateTime', zone), to: formatDate(locale, tl.to, 'dateTime', zone), title: views.t(req, 'funnel.timeline') },
    (n) => formatCount(locale, n),
  );
}
