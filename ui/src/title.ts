import { useEffect } from 'preact/hooks';

/** The app's own title, as index.html gives it. */
const APP_TITLE = document.title;

/**
 * Names the page in the browser tab's title as well as the app (WCAG 2.4.2): opened as a tab, every
 * page would otherwise share one title in the tab strip, the history and a screen reader's announcement.
 */
export function usePageTitle(page: string): void {
  useEffect(() => {
    document.title = `${page} · ${APP_TITLE}`;
  }, [page]);
}
