import { InPageLink } from './InPageLink';

const TABS = [
  { page: 'settings', label: 'Settings', path: '/app/settings' },
  { page: 'status', label: 'Status', path: '/app/status' },
] as const;

/** Settings and Status side by side, as Clio's own integrations show them. */
export function TabNav({ current }: { current: (typeof TABS)[number]['page'] }) {
  return (
    <nav class="tabs" aria-label="Sync pages">
      {TABS.map((t) => (
        <InPageLink key={t.page} href={t.path} aria-current={t.page === current ? 'page' : undefined}>
          {t.label}
        </InPageLink>
      ))}
    </nav>
  );
}
