import type { ComponentChildren } from 'preact';

/**
 * A link to a heading or control further down this page that takes the focus there, so the next
 * Tab continues from it (a fragment alone scrolls, but focus stays behind in some browsers). The
 * fragment is not written to the address: the app's fragment carries the session token.
 */
export function JumpLink(props: { to: string; class?: string; children: ComponentChildren }) {
  return (
    <a
      href={`#${props.to}`}
      class={props.class}
      onClick={(e) => {
        const target = document.getElementById(props.to);
        if (!target) return;
        e.preventDefault();
        if (!target.matches('a[href], button, input, select, textarea')) target.tabIndex = -1;
        target.focus();
        target.scrollIntoView({ block: 'start' });
      }}
    >
      {props.children}
    </a>
  );
}
