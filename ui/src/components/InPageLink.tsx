import type { ComponentChildren } from 'preact';
import { navigate } from '../router';

/**
 * A link to another page of the app, followed without reloading: a session held only in memory
 * (storage blocked in Clio's frame) survives it. Still a real link for the keyboard, a new tab or
 * no script.
 */
export function InPageLink(props: { href: string; children: ComponentChildren; 'aria-current'?: 'page' }) {
  return (
    <a
      href={props.href}
      aria-current={props['aria-current']}
      onClick={(e) => {
        if (e.metaKey || e.ctrlKey || e.shiftKey || e.altKey || e.button !== 0) return;
        e.preventDefault();
        navigate(props.href);
      }}
    >
      {props.children}
    </a>
  );
}
