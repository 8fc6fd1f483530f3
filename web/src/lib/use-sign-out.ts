import { useCallback, useState } from 'react';
import { useNavigate } from 'react-router';
import { api } from '../api/client.ts';
import type { WebChannel } from '../api/types.ts';

/** Signs the agent out and returns to the sign-in page, also when the session had already ended. */
export function useSignOut(channel: WebChannel): { signOut(): void; signingOut: boolean } {
  const navigate = useNavigate();
  const [signingOut, setSigningOut] = useState(false);
  const signOut = useCallback(() => {
    setSigningOut(true);
    api.signOut().then(
      () => navigate(`/${channel}/sign-in`, { replace: true, state: { reason: 'signed-out' } }),
      () => navigate(`/${channel}/sign-in`, { replace: true }),
    );
  }, [channel, navigate]);
  return { signOut, signingOut };
}
