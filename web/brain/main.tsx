import { createRoot } from 'react-dom/client';
import { I18nProvider } from '../shared/i18n';
import { BrainApp } from './BrainApp';
import './brain.css';

createRoot(document.getElementById('root')!).render(
  <I18nProvider>
    <BrainApp />
  </I18nProvider>,
);
