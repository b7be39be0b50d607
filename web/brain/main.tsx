import { createRoot } from 'react-dom/client';
import { addStrings, I18nProvider } from '../shared/i18n';
import { BRAIN_STRINGS } from '../shared/strings-brain';

addStrings(BRAIN_STRINGS);
import { BrainApp } from './BrainApp';
import './brain.css';

createRoot(document.getElementById('root')!).render(
  <I18nProvider>
    <BrainApp />
  </I18nProvider>,
);
