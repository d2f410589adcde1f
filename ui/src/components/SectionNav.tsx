import { JumpLink } from './JumpLink';

/** Where "Skip to the settings" lands. */
export const SECTIONS_TITLE_ID = 'settings-sections-title';

export interface PageSection {
  /** The id of the section's heading: following the link puts the focus on it. */
  id: string;
  title: string;
}

/** The settings page's table of contents: a wrapping row of links, which fits a narrow frame too. */
export function SectionNav(props: { sections: PageSection[] }) {
  return (
    <nav class="sections" aria-labelledby={SECTIONS_TITLE_ID}>
      <h2 id={SECTIONS_TITLE_ID} class="sections-title">
        On this page
      </h2>
      <ul>
        {props.sections.map((s) => (
          <li key={s.id}>
            <JumpLink to={s.id}>{s.title}</JumpLink>
          </li>
        ))}
      </ul>
    </nav>
  );
}
