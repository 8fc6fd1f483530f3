import { Link } from 'react-router';
import { StandalonePage } from '../components/standalone-page.tsx';
import { useDocumentTitle } from '../components/page-title.ts';

export function Home() {
  useDocumentTitle('Sign in');
  return (
    <StandalonePage wide>
      <h1>Sign in to Gatehouse</h1>
      <p className="lead">Choose where you want to work.</p>
      <ul className="entry-list">
        <li>
          <Link to="/agent-console/sign-in" className="entry">
            <span className="entry-title">Agent Console</span>
            <span className="entry-text">Your daily work: your account, your sessions and the address Gatehouse sees.</span>
          </Link>
        </li>
        <li>
          <Link to="/control-panel/sign-in" className="entry">
            <span className="entry-title">Control Panel</span>
            <span className="entry-text">For admins: the IP allowlist, agents, and the sign-in and audit logs.</span>
          </Link>
        </li>
      </ul>
    </StandalonePage>
  );
}
