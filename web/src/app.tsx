import { Navigate, Route, Routes } from 'react-router';
import { AgentConsole } from './agent-console/agent-console.tsx';
import { AgentsPage } from './control-panel/agents.tsx';
import { AuditLogPage } from './control-panel/audit-log.tsx';
import { AdvancedSettings } from './control-panel/ip-allowlist/advanced-settings.tsx';
import { CheckAddress } from './control-panel/ip-allowlist/check-address.tsx';
import { IpAllowlistPage } from './control-panel/ip-allowlist/ip-allowlist-page.tsx';
import { RangeList } from './control-panel/ip-allowlist/range-list.tsx';
import { ControlPanelLayout } from './control-panel/layout.tsx';
import { SignInLogPage } from './control-panel/sign-in-log.tsx';
import { AppStateProvider } from './lib/app-state.tsx';
import { AccessDenied } from './pages/access-denied.tsx';
import { AuthorizationSent } from './pages/authorization-sent.tsx';
import { ConfirmAuthorization } from './pages/confirm-authorization.tsx';
import { Home } from './pages/home.tsx';
import { NotFound } from './pages/not-found.tsx';
import { SignIn } from './pages/sign-in.tsx';

export function App() {
  return (
    <AppStateProvider>
      <Routes>
        <Route path="/" element={<Home />} />
        <Route path="/ip-authorizations/:token" element={<ConfirmAuthorization />} />

        <Route path="/control-panel/sign-in" element={<SignIn channel="control-panel" />} />
        <Route path="/control-panel/access-denied" element={<AccessDenied channel="control-panel" />} />
        <Route path="/control-panel/authorization-sent" element={<AuthorizationSent channel="control-panel" />} />
        <Route path="/control-panel" element={<ControlPanelLayout />}>
          <Route index element={<Navigate to="security/ip-allowlist" replace />} />
          <Route path="security" element={<Navigate to="ip-allowlist" replace />} />
          <Route path="security/ip-allowlist" element={<IpAllowlistPage />}>
            <Route index element={<RangeList />} />
            <Route path="advanced" element={<AdvancedSettings />} />
            <Route path="check" element={<CheckAddress />} />
          </Route>
          <Route path="sign-in-log" element={<SignInLogPage />} />
          <Route path="audit-log" element={<AuditLogPage />} />
          <Route path="agents" element={<AgentsPage />} />
          <Route path="*" element={<NotFound inPanel />} />
        </Route>

        <Route path="/agent-console/sign-in" element={<SignIn channel="agent-console" />} />
        <Route path="/agent-console/access-denied" element={<AccessDenied channel="agent-console" />} />
        <Route path="/agent-console/authorization-sent" element={<AuthorizationSent channel="agent-console" />} />
        <Route path="/agent-console" element={<AgentConsole />} />

        <Route path="*" element={<NotFound />} />
      </Routes>
    </AppStateProvider>
  );
}
