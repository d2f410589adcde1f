import { useEffect, useRef } from 'preact/hooks';

/**
 * After a link followed within the app the link that had the focus has usually gone with its page, and
 * the focus falls back to the document: keyboard users start again from the top and screen readers say
 * nothing. Put it on the new page's heading instead, where a page load would start reading, once the
 * page has rendered it (most show "Loading…" first). A link that stays (the tab bar) keeps the focus.
 */
export function useFocusOnNewPage(path: string): void {
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    const place = (): boolean => {
      const heading = document.querySelector<HTMLElement>('main h1');
      if (!heading) return false;
      if (!document.activeElement || document.activeElement === document.body) {
        heading.tabIndex = -1;
        heading.focus();
      }
      return true;
    };
    if (place()) return;
    const watch = new MutationObserver(() => place() && watch.disconnect());
    watch.observe(document.body, { childList: true, subtree: true });
    return () => watch.disconnect();
  }, [path]);
}
