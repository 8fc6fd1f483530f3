import { useRef, useState, type FormEvent } from 'react';
import { api, isApiError, isHandled } from '../../api/client.ts';
import type { Channel, CheckResult } from '../../api/types.ts';
import { Field } from '../../components/field.tsx';
import { ErrorMessage } from '../../components/feedback.tsx';
import { TableRegion } from '../../components/table-region.tsx';
import { channelNames, describeBounds, reasonText } from '../../lib/format.ts';
import { useApiAction } from '../../lib/use-api-action.ts';
import { useFocusFirstError } from '../../lib/use-focus-first-error.ts';
import { useControlPanel } from '../context.ts';
import { useAllowlistTab } from './allowlist-context.ts';

const channelOrder: Channel[] = ['control-panel', 'agent-console', 'mobile-app'];

/** The "Check an address" tab: the decision for each channel, and the range that matches. */
export function CheckAddress() {
  const { me, guard } = useControlPanel();
  const { view } = useAllowlistTab();
  const [address, setAddress] = useState('');
  const [result, setResult] = useState<CheckResult | null>(null);
  const { running: checking, error, run } = useApiAction();
  const formRef = useRef<HTMLFormElement>(null);
  useFocusFirstError(formRef, error);

  function check(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    void run(async () => {
      try {
        setResult(await guard(api.checkAddress(address.trim())));
      } catch (caught) {
        // A failed check hides the decisions for the previous address.
        if (isApiError(caught) && !isHandled(caught)) setResult(null);
        throw caught;
      }
    });
  }

  const addressError = error && (error.code === 'INVALID_ADDRESS' || error.field === 'address') ? error.message : undefined;
  const rangeById = new Map(view.ranges.map((range) => [range.id, range]));

  return (
    <div className="stack">
      <p>See what Gatehouse decides for a client address on each channel, with the allowlist as it is saved now.</p>
      <form className="form form-inline" onSubmit={check} ref={formRef}>
        <Field
          label="IP address"
          hint="One IPv4 or IPv6 address, such as 203.0.113.10 or 2001:db8::1."
          value={address}
          onChange={(event) => setAddress(event.target.value)}
          required
          autoComplete="off"
          spellCheck={false}
          maxLength={200}
          error={addressError}
        />
        <div className="form-inline-actions">
          <button type="submit" className="button button-primary" disabled={checking}>
            {checking ? 'Checking…' : 'Check'}
          </button>
          {me.address !== null ? (
            <button type="button" className="button" onClick={() => setAddress(me.address ?? '')}>
              Use my current IP
            </button>
          ) : null}
        </div>
      </form>
      {error && !addressError ? <ErrorMessage error={error} /> : null}

      <div aria-live="polite">
        {result ? (
          <TableRegion label={`Decisions for ${result.address}`} tableTestId="check-result">
            <caption>
              Decisions for <span className="mono">{result.address}</span>
            </caption>
            <thead>
              <tr>
                <th scope="col">Channel</th>
                <th scope="col">Decision</th>
                <th scope="col">Why</th>
                <th scope="col">Matching range</th>
              </tr>
            </thead>
            <tbody>
              {channelOrder.map((channel) => {
                const decision = result.decisions[channel];
                const range = decision.rangeId === undefined ? undefined : rangeById.get(decision.rangeId);
                return (
                  <tr key={channel}>
                    <th scope="row">{channelNames[channel]}</th>
                    <td>
                      <span className={`badge ${decision.allowed ? 'badge-success' : 'badge-danger'}`}>{decision.allowed ? 'Allowed' : 'Denied'}</span>
                    </td>
                    <td>{reasonText(decision.reason)}</td>
                    <td>
                      {range ? (
                        <>
                          <span className="mono">{describeBounds(range)}</span> ({range.label})
                        </>
                      ) : decision.rangeId !== undefined ? (
                        <span className="mono">{decision.rangeId}</span>
                      ) : (
                        <span className="muted">None</span>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </TableRegion>
        ) : null}
      </div>
    </div>
  );
}
