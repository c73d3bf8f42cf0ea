import type { ReactNode } from 'react';
import { Link } from './link.js';
import { usePath } from './router.js';

interface ShellProps {
  email: string;
  onSignOut(): void;
  children: ReactNode;
}

const SECTIONS = [
  { to: '/', label: 'Sagas', matches: (path: string) => path === '/' || path.startsWith('/sagas') },
  { to: '/dead-letters', label: 'Dead letters', matches: (path: string) => path.startsWith('/dead-letters') },
  { to: '/system', label: 'System', matches: (path: string) => path.startsWith('/system') },
];

export function Shell({ email, onSignOut, children }: ShellProps) {
  const path = usePath();
  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="shell-header">
        <span className="shell-title">Saga console</span>
        <nav aria-label="Console" className="shell-nav">
          <ul>
            {SECTIONS.map((section) => (
              <li key={section.to}>
                <Link to={section.to} aria-current={section.matches(path) ? 'page' : undefined}>
                  {section.label}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <div className="shell-account">
          <span className="muted">{email}</span>
          <button type="button" className="button" onClick={onSignOut}>
            Sign out
          </button>
        </div>
      </header>
      <main id="main" className="page" tabIndex={-1}>
        {children}
      </main>
    </div>
  );
}
