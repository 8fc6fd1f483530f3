import { api } from '../../api/client.ts';
import { ErrorMessage, Notice } from '../../components/feedback.tsx';
import { Switch } from '../../components/switch.tsx';
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

  // Reads the list again before each step, so that a retry from the lockout
  // dialog neither adds the placeholder twice nor works from a stale version.
  const blockMobileApp = () =>
    run('block', () =>
      change(async (options) => {
        const current = await guard(api.allowlist());
        if (current.ranges.length === 0) {
          await api.addRange({ input: placeholderAddress, label: placeholderLabel }, { confirmLockout: options.confirmLockout });
        }
        return api.updateAllowlist({ enabled: true, mobileEnforced: true }, { confirmLockout: options.confirmLockout });
      }, `The mobile app is now allowed only from the addresses in the list.`),
    );

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
            <button type="button" className="button button-primary" onClick={() => void blockMobileApp()} disabled={busy !== null}>
              {busy === 'block' ? 'Blocking…' : `Add ${placeholderAddress} and block the mobile app`}
            </button>
          </>
        ) : (
          <>
            <p>
              This switches on {view.enabled ? '' : 'the IP allowlist and '}“IP Allowlist for mobile access”, so the mobile app works only from the{' '}
              {view.ranges.length} {view.ranges.length === 1 ? 'range' : 'ranges'} in the list.
            </p>
            <button type="button" className="button button-primary" onClick={() => void blockMobileApp()} disabled={busy !== null}>
              {busy === 'block' ? 'Blocking…' : 'Block the mobile app'}
            </button>
          </>
        )}
        {errorFor('block')}
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
