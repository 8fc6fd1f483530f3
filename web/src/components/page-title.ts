import { useEffect } from 'react';

/** Sets the document title to "TITLE · Gatehouse" while the page is shown. */
export function useDocumentTitle(title: string): void {
  useEffect(() => {
    document.title = `${title} · Gatehouse`;
  }, [title]);
}
