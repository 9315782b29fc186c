import { Injectable } from '@nestjs/common';
import { diffLines } from 'diff';
import { NewOfferVersionDto, OfferVersionView } from '../program/program.dto';
import { ProgramService } from '../program/program.service';
import { parseForm } from '../web/form';
import { AdminConsoleRepository, OfferVersionRow } from './admin-console.repository';

export type DiffLineKind = 'added' | 'removed' | 'same';

export interface DiffLine {
  kind: DiffLineKind;
  text: string;
}

export interface OfferDiff {
  from: OfferVersionView;
  to: OfferVersionView;
  lines: DiffLine[];
  added: number;
  removed: number;
}

/** The offer page: the versions with their acceptances, a new version through ProgramService, a diff of two. */
@Injectable()
export class AdminOfferService {
  constructor(
    private readonly program: ProgramService,
    private readonly repo: AdminConsoleRepository,
  ) {}

  async page(): Promise<{ current: OfferVersionView; versions: OfferVersionRow[] }> {
    const [view, versions] = await Promise.all([this.program.view(), this.repo.offerVersions()]);
    return { current: view.currentOffer, versions };
  }

  /** Publishes the typed text as a new version (the API's validation and rules). */
  async publish(text: string, actorId: string): Promise<OfferVersionView> {
    const dto = await parseForm(NewOfferVersionDto, { text });
    return this.program.publishOffer(dto, actorId);
  }

  /**
   * Two versions line by line; `from`/`to` default to the version before the newest and the
   * newest. Null when a version asked for does not exist.
   */
  async diff(fromVersion: number | undefined, toVersion: number | undefined): Promise<{ diff: OfferDiff | null; versions: number[] }> {
    const all = await this.program.offerHistory();
    const versions = all.map((v) => v.version);
    const newest = versions[0];
    const to = all.find((v) => v.version === (toVersion ?? newest));
    const from = all.find((v) => v.version === (fromVersion ?? (to ? Math.max(1, to.version - 1) : 0)));
    if (!from || !to) return { diff: null, versions };
    const lines: DiffLine[] = [];
    // Both texts end with a line end, so a line added at the end does not also mark the last one changed.
    for (const part of diffLines(`${from.text}\n`, `${to.text}\n`)) {
      const kind: DiffLineKind = part.added ? 'added' : part.removed ? 'removed' : 'same';
      for (const line of part.value.replace(/\n$/, '').split('\n')) lines.push({ kind, text: line });
    }
    return {
      versions,
      diff: { from, to, lines, added: lines.filter((l) => l.kind === 'added').length, removed: lines.filter((l) => l.kind === 'removed').length },
    };
  }
}
