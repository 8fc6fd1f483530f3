import { formatDateTime } from '../lib/format.ts';

/** A `<time>` element showing an ISO time in the browser's time zone, with the ISO text as its tooltip. */
export function DateTime({ value }: { value: string }) {
  return (
    <time dateTime={value} title={value}>
      {formatDateTime(value)}
    </time>
  );
}
