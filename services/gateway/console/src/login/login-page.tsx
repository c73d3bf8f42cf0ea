import { useState, type FormEvent } from 'react';
import { ApiProblem } from '../api/api-client.js';
import { problemText } from '../ui/problem-text.js';
import { NotAnAdminError, signIn } from './sign-in.js';

interface LoginPageProps {
  /** Why the admin is here again (an expired session), if so. */
  notice?: string | undefined;
  onSignedIn(token: string, email: string): void;
}

const messageOf = (error: unknown): string => {
  if (error instanceof NotAnAdminError) return error.message;
  if (error instanceof ApiProblem && error.status === 401) return 'Wrong email or password.';
  return problemText(error);
};

export function LoginPage({ notice, onSignedIn }: LoginPageProps) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      onSignedIn(await signIn(email.trim(), password), email.trim());
    } catch (failure) {
      setError(messageOf(failure));
      setBusy(false);
    }
  };

  return (
    <main className="page login-page">
      <form className="card login-card" onSubmit={(event) => void submit(event)}>
        <h1>Saga console</h1>
        <p className="muted">Sign in with an admin account.</p>
        {notice && <p role="status">{notice}</p>}
        <div className="field">
          <label htmlFor="login-email">Email</label>
          <input
            id="login-email"
            type="email"
            autoComplete="username"
            required
            value={email}
            onChange={(event) => setEmail(event.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor="login-password">Password</label>
          <input
            id="login-password"
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(event) => setPassword(event.target.value)}
          />
        </div>
        {error && (
          <p role="alert" className="error-text">
            {error}
          </p>
        )}
        <button type="submit" className="button button-primary" disabled={busy} aria-busy={busy}>
          Sign in
        </button>
      </form>
    </main>
  );
}
