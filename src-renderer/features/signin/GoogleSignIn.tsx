// Production sign-in (auth mode "oidc"): Google Identity Services renders its button, Google returns an ID
// token (a JWT) in the callback, and we POST it to /auth/login, where the coordinator verifies it against the
// issuer and client id and checks the router sheet.
// What is wired and what is not: the script load, the button and the POST are written against Google's
// documented GIS API (accounts.google.com/gsi/client, google.accounts.id.initialize/renderButton), but this
// code has NOT run against Google (no internet here; the demo and the tests use the demo login). Only the
// POST /auth/login {idToken} half is exercised, by the coordinator's own tests.
import { useEffect, useRef, useState } from 'react';

interface GsiApi {
  accounts: {
    id: {
      initialize(o: {
        client_id: string;
        callback: (r: { credential?: string }) => void;
        auto_select?: boolean;
      }): void;
      renderButton(
        el: HTMLElement,
        o: { theme?: string; size?: string; text?: string; width?: number },
      ): void;
    };
  };
}

const GSI_SRC = 'https://accounts.google.com/gsi/client';

function loadGsi(): Promise<GsiApi> {
  const w = window as unknown as { google?: GsiApi };
  if (w.google?.accounts) return Promise.resolve(w.google);
  return new Promise((resolve, reject) => {
    const s = document.createElement('script');
    s.src = GSI_SRC;
    s.async = true;
    s.onload = () => (w.google ? resolve(w.google) : reject(new Error('Google sign-in did not load')));
    s.onerror = () => reject(new Error('Google sign-in could not be loaded'));
    document.head.appendChild(s);
  });
}

export function GoogleSignIn({ clientId, onIdToken }: { clientId: string; onIdToken: (t: string) => void }) {
  const ref = useRef<HTMLDivElement>(null);
  const [failed, setFailed] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    loadGsi()
      .then((g) => {
        if (!live || !ref.current) return;
        g.accounts.id.initialize({
          client_id: clientId,
          callback: (r) => {
            if (r.credential) onIdToken(r.credential);
          },
        });
        g.accounts.id.renderButton(ref.current, {
          theme: 'filled_black',
          size: 'large',
          text: 'signin_with',
          width: 280,
        });
      })
      .catch((e: unknown) => live && setFailed(e instanceof Error ? e.message : String(e)));
    return () => {
      live = false;
    };
  }, [clientId, onIdToken]);
  return (
    <div>
      <div ref={ref} />
      {failed ? (
        <p role="alert" className="mt-2 text-rose-200">
          {failed}. Check your network connection, then reload.
        </p>
      ) : null}
    </div>
  );
}
