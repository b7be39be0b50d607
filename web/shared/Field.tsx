import type { ReactNode } from 'react';

/**
 * A caption and its control in one <label>, so that the control (an Ant Design input, select,
 * number or date field) is named for screen readers and for the UI tour.
 */
export function Field({ children, block }: { children: ReactNode; block?: boolean }) {
  return (
    // biome-ignore lint/a11y/noLabelWithoutControl: the control is among the children (an Ant Design field)
    <label style={block ? { display: 'block' } : undefined}>{children}</label>
  );
}
