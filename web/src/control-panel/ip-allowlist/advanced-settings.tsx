import { useState } from 'react';
import { api } from '../../api/client.ts';
import type { AllowlistView } from '../../api/types.ts';
import { DialogActions } from '../../components/dialog-actions.tsx';
import { Dialog } from '../../components/dialog.tsx';
import { ErrorMessage, Notice } from '../../components/feedback.tsx';
import { Switch } from '../../components/switch.tsx';
import { describeBounds } from '../../lib/format.ts';
import { compareAddresses } from '../../lib/ip-order.ts';
import { useApiActions } from '../../lib/use-api-action.ts';
import { useControlPanel } from '../context.ts';
import { useAllowlistTab } from './allowlist-context.ts';

/** A documentation address (RFC 5737 TEST-NET-1) that no real device uses. */
export const placeholderAddress = '192.0.2.1';
export const placeholderLabel = 'Placeholder: blocks the mobile app';

type Setting = 'mobile' | 'sessions' | 'block';

/** Renders the "Advanced" tab: mobile access, blocking the mobile app, and checks on signed-in sessions. */
export function AdvancedSettings() {
  const { guard } = useControlPanel();
  const { view, change } = useAllowlistTab();
  const { running: busy, failure, run } = useApiActions<Setting>();

  const setMobile = (mobileEnforced: boolean) =>
    run('mobile', () =>
      change(
        (options) => api.updateAllowlist({ mobileEnforced }, options),
        mobileEnforced ? 'The mobile app now follows the IP allowlist.' : 'The mobile app is no longer restricted by the IP allowlist.',
      ),
    );

  const setSessions = (enforceOnSessions: boolean) =>
    run('sessions', () =>
      change(
        (options) => api.updateAllowlist({ enforceOnSessions }, options),
        enforceOnSessions ? 'Signed-in sessions are now checked on every request.' : 'Signed-in sessions are now checked only at sign-in.',
      ),
    );

  // Whether the list needs the placeholder is decided when the agent starts
  // the action. The list is read again before each attempt, so that a retry
  // from the lockout dialog neither adds the placeholder twice nor works from
  // a stale version. When the settings change fails, for example with
  // WOULD_LOCK_OUT, the placeholder is deleted again, so that Cancel in the
  // lockout dialog leaves the list as it was.
  const blockMobileApp = (needsPlaceholder: boolean) =>
    run('block', () =>
      change(async (options) => {
        const current = await guard(api.allowlist());
        let placeholderId: string | undefined;
        if (needsPlaceholder && !current.ranges.some((range) => range.start === placeholderAddress && range.end === placeholderAddress)) {
          const added = await api.addRange({ input: placeholderAddress, label: placeholderLabel }, { confirmLockout: options.confirmLockout });
          placeholderId = added.range.id;
        }
        try {
          return await api.updateAllowlist({ enabled: true, mobileEnforced: true }, { confirmLockout: options.confirmLockout });
        } catch (error) {
          if (placeholderId !== undefined) await api.deleteRange(placeholderId);
          throw error;
        }
      }, describeRestriction),
    );

  // The action restricts the Control Panel and the Agent Console too when it
  // switches the allowlist on or fills an empty list, so it requests confirmation first.
  const restrictsWebChannels = !view.enabled || view.ranges.length === 0;
  const [confirming, setConfirming] = useState(false);
  function startBlocking() {
    if (restrictsWebChannels) setConfirming(true);
    else void blockMobileApp(false);
  }

  const mobileBlocked = view.enabled && view.mobileEnforced && view.ranges.length > 0;
  const errorFor = (setting: Setting) => (failure && failure.key === setting ? <ErrorMessage error={failure.error} /> : null);

  return (
    <div className="stack">
      <section className="setting" aria-labelledby="mobile-heading">
        <h2 id="mobile-heading">Mobile access</h2>
        <Switch label="IP Allowlist for mobile access" checked={view.mobileEnforced} onChange={(next) => void setMobile(next)} busy={busy === 'mobile'}>
          <p>
            When on, the mobile app can sign in and work only from addresses in the allowed IP list, like the Control Panel and the Agent Console.
            When off, the mobile app works from any address, even while the IP allowlist is on, because phones often change networks.
          </p>
          {!view.enabled ? <p>The IP allowlist is off, so this switch has no effect until you switch the IP allowlist on.</p> : null}
        </Switch>
        {errorFor('mobile')}
      </section>

      <section className="setting" aria-labelledby="block-heading">
        <h2 id="block-heading">Block the mobile app entirely</h2>
        <p>
          Gatehouse has no separate switch that turns the mobile app off. To block it, switch on “IP Allowlist for mobile access” and keep at
          least one range in the list. The mobile app is then allowed only from addresses in the list, so a phone on a listed network, such as
          the office Wi-Fi, can still sign in.
        </p>
        {mobileBlocked ? (
          <Notice tone="success">
            <p>The mobile app is allowed only from the addresses in the allowed IP list.</p>
            <p>The Control Panel and the Agent Console are allowed only from the same addresses.</p>
          </Notice>
        ) : view.ranges.length === 0 ? (
          <>
            <p>
              The allowed IP list is empty, and an empty list restricts nobody. To block the mobile app, Gatehouse can add the placeholder address{' '}
              <strong>{placeholderAddress}</strong>, labelled “{placeholderLabel}”. It is a documentation address that no device uses.
            </p>
            <Notice tone="warning">
              <p>
                Once the list has an entry, the Control Panel and the Agent Console are also allowed only from listed addresses. Add the addresses
                of your offices and VPN too, or your agents will be denied.
              </p>
            </Notice>
            <button type="button" className="button button-primary" onClick={startBlocking} disabled={busy !== null}>
              {busy === 'block' ? 'Blocking…' : `Add ${placeholderAddress} and block the mobile app`}
            </button>
          </>
        ) : (
          <>
            <p>
              This switches on {view.enabled ? '' : 'the IP allowlist and '}“IP Allowlist for mobile access”, so the mobile app works only from the{' '}
              {view.ranges.length} {view.ranges.length === 1 ? 'range' : 'ranges'} in the list.
            </p>
            {!view.enabled ? (
              <Notice tone="warning">
                <p>
                  The IP allowlist is off. Switching it on also restricts the Control Panel and the Agent Console to the addresses in the list, so
                  agents at other addresses are denied.
                </p>
              </Notice>
            ) : null}
            <button type="button" className="button button-primary" onClick={startBlocking} disabled={busy !== null}>
              {busy === 'block' ? 'Blocking…' : 'Block the mobile app'}
            </button>
          </>
        )}
        {errorFor('block')}
        {confirming ? (
          <RestrictEveryChannelDialog
            view={view}
            onCancel={() => setConfirming(false)}
            onConfirm={() => {
              setConfirming(false);
              void blockMobileApp(view.ranges.length === 0);
            }}
          />
        ) : null}
      </section>

      <section className="setting" aria-labelledby="sessions-heading">
        <h2 id="sessions-heading">Signed-in sessions</h2>
        <Switch
          label="Apply to signed-in sessions"
          checked={view.enforceOnSessions}
          onChange={(next) => void setSessions(next)}
          busy={busy === 'sessions'}
        >
          <p>
            When on, Gatehouse checks the allowlist on every request, not only at sign-in. A session that moves to an address outside the list,
            such as a laptop taken home or a stolen session cookie, ends at its next request.
          </p>
          <p>When off, the list is checked only at sign-in, and a session keeps working from any address until it ends or the agent signs out.</p>
        </Switch>
        {errorFor('sessions')}
      </section>
    </div>
  );
}

/** Lists the ranges not yet expired in address order, as in "192.0.2.1 and 203.0.113.10", shortened after four. */
function describeActiveRanges(view: AllowlistView): string {
  const bounds = view.ranges
    .filter((range) => !range.expired)
    .sort((a, b) => compareAddresses(a.start, b.start))
    .map((range) => describeBounds(range));
  if (bounds.length > 4) return `${bounds.slice(0, 3).join(', ')} and ${bounds.length - 3} more ranges`;
  if (bounds.length <= 1) return bounds.join('');
  return `${bounds.slice(0, -1).join(', ')} and ${bounds.at(-1)}`;
}

/** Builds the status after blocking the mobile app: which channels are now restricted to which addresses. */
function describeRestriction(saved: AllowlistView): string {
  const active = describeActiveRanges(saved);
  if (active === '') return 'The IP allowlist is on for every channel, and every range in the list has expired, so Gatehouse denies every sign-in.';
  return `The Control Panel, the Agent Console and the mobile app are now allowed only from ${active}. Agents at other addresses are denied.`;
}

interface RestrictEveryChannelDialogProps {
  view: AllowlistView;
  onCancel(): void;
  onConfirm(): void;
}

/** Asks before "Block the mobile app" restricts the Control Panel and the Agent Console as well. */
function RestrictEveryChannelDialog({ view, onCancel, onConfirm }: RestrictEveryChannelDialogProps) {
  const empty = view.ranges.length === 0;
  return (
    <Dialog title="Restrict every channel?" onClose={onCancel} alert>
      {empty ? (
        <p>
          Gatehouse will add <strong>{placeholderAddress}</strong> to the empty list and switch on the IP allowlist and “IP Allowlist for mobile
          access”.
        </p>
      ) : (
        <p>
          Gatehouse will switch on the IP allowlist and “IP Allowlist for mobile access”. The list allows <strong>{describeActiveRanges(view)}</strong>.
        </p>
      )}
      <p>
        A list that is not empty also restricts the Control Panel and the Agent Console. Every agent, you included, is then allowed only from the
        listed addresses on every channel, and agents at other addresses are denied at their next request.
      </p>
      <DialogActions label="Restrict every channel" runningLabel="Saving…" running={false} onCancel={onCancel} onConfirm={onConfirm} danger />
    </Dialog>
  );
}
