import { navigate } from '../router';

const TABS = [
  { page: 'settings', label: 'Settings', path: '/app/settings' },
  { page: 'status', label: 'Status', path: '/app/status' },
] as const;

/**
 * Settings and Status side by side, as Clio's own integrations show them. Plain links (they work
 * with the keyboard, in a new tab, and without script), followed in-page so a framed session held
 * only in memory survives the switch.
 */
export function TabNav({ current }: { current: (typeof TABS)[number]['page'] }) {
  return (
    <nav class="tabs" aria-label="Sync pages">
      {TABS.map((t) => (
        <a
          key={t.page}
          href={t.path}
          aria-current={t.page === current ? 'page' : undefined}
          onClick={(e) => {
            if (e.metaKey || e.ctrlKey || e.shiftKey || e.button !== 0) return;
            e.preventDefault();
            navigate(t.path);
          }}
        >
          {t.label}
        </a>
      ))}
    </nav>
  );
}
