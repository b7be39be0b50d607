import { createRoot } from 'react-dom/client';
import { I18nProvider } from '../shared/i18n';
import { CitizenApp } from './CitizenApp';
import './app.css';

createRoot(document.getElementById('root')!).render(
  <I18nProvider>
    <CitizenApp />
  </I18nProvider>,
);
