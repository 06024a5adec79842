// Footage attached to a finding must show the violation (issue 15). The server refuses a tag whose
// moment lies outside the finding's period unless a reason is given (409 outside_period,
// media_ingest/review/evidence_period.py); the dialog says so before anything is sent.

/** The server's tolerance: findings are entered to the minute. */
export const PERIOD_SLACK_MS = 60_000;
/** The server's minimum length of the reason for attaching footage outside the period. */
export const OUTSIDE_REASON_MIN = 10;

export interface Span { start: Date; end: Date }

/** The tag's clock time and the finding's period when they do not meet; null when they do (or the
 *  clip has no clock time: nothing to compare). */
export function outsidePeriod(
  clipStartedAt: string | null | undefined,
  tag: { start_s: number; end_s: number },
  finding: { occurred_from: string; occurred_to?: string | null },
): { moment: Span; period: Span } | null {
  if (!clipStartedAt) return null;
  const t0 = new Date(clipStartedAt).getTime();
  const moment = { start: new Date(t0 + tag.start_s * 1000), end: new Date(t0 + tag.end_s * 1000) };
  const from = new Date(finding.occurred_from);
  const period = { start: from, end: finding.occurred_to ? new Date(finding.occurred_to) : from };
  const out = moment.end.getTime() < period.start.getTime() - PERIOD_SLACK_MS
    || moment.start.getTime() > period.end.getTime() + PERIOD_SLACK_MS;
  return out ? { moment, period } : null;
}
