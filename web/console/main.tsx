import { createRoot } from 'react-dom/client';
import { ConsoleApp } from './ConsoleApp';
import { I18nProvider } from '../shared/i18n';

createRoot(document.getElementById('root')!).render(
  <I18nProvider>
    <ConsoleApp />
  </I18nProvider>,
);
