export { count, isText, join, type Lang, negotiateLanguage, pick, type Text, text } from './text.js';
