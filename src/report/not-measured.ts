/** The one place that writes "not measured: <reason>": a figure the run did not take says why. */
export const NOT_MEASURED = 'not measured';

/** "not measured: <reason>", once even when the recorded reason already says it. */
export function notMeasured(reason: string): string {
  return reason.startsWith(NOT_MEASURED) ? reason : `${NOT_MEASURED}: ${reason}`;
}

/** Why a layout has no figure: its failure, or the part of the harness that did not run. */
export function reasonFor(l: { status: string; reason: string | null }, what: string): string {
  if (l.status === 'failed') return notMeasured(`layout failed (${l.reason ?? 'no reason recorded'})`);
  if (l.status === 'not-run') return notMeasured(l.reason ?? 'layout did not run');
  return notMeasured(what);
}
