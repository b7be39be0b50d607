import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router-dom';
import { I18nProvider } from '../shared/i18n';
import { OpenPortal } from './OpenPortal';
import './open.css';

createRoot(document.getElementById('root')!).render(
  <I18nProvider>
    <BrowserRouter basename="/open">
      <OpenPortal />
    </BrowserRouter>
  </I18nProvider>,
);
