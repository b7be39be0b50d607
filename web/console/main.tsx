import { createRoot } from 'react-dom/client';
import { ConsoleApp } from './ConsoleApp';
import { addStrings, I18nProvider } from '../shared/i18n';
import { BRAIN_STRINGS } from '../shared/strings-brain';
import { CONSOLE_STRINGS } from '../shared/strings-console';

addStrings(CONSOLE_STRINGS);
addStrings(BRAIN_STRINGS);

createRoot(document.getElementById('root')!).render(
  <I18nProvider>
    <ConsoleApp />
  </I18nProvider>,
);
