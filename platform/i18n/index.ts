export { join, type Lang, negotiateLanguage, pick, problemCount, type Text, text } from './text.js';
