/**
 * What a person reads on a page, checked for internals: in the Chinese UI, text runs that look
 * like identifiers (snake_case, dotted codes, camelCase) or English words outside an allowlist of
 * proper names and units; in the English UI, Chinese characters. Subtrees marked
 * `translate="no"` (names of places, people and things, and codes a user needs) are skipped: the
 * HTML attribute that says "this is a name, do not translate it". Also: form fields without a
 * label.
 */
import type { Page } from 'playwright-core';

/** Words that stay in English in the Chinese UI: proper names, standards, units, abbreviations. */
export const ALLOWED_LATIN = [
  'Wudang',
  'English',
  'AQI',
  'PM2.5',
  'PM10',
  'PM',
  'API',
  'APP',
  'PDF',
  'CSV',
  'SM2',
  'SM3',
  'Ed25519',
  'JSON',
  'MQTT',
  'HTTP',
  'HTTPS',
  'URL',
  'SMS',
  'ID',
  'IP',
  'NGSI-LD',
  'SenML',
  'OpenAPI',
  'OAuth',
  'NDJSON',
  'Open311',
  'GB',
  'HJ',
  // China's urban-construction industry standards (CJ/T 292, the evaluation of digital urban management).
  'CJ',
  'XLSX',
  'Excel',
  'CNEMC',
  'SO2',
  'NO2',
  'CO',
  'O3',
  'TP',
  'TN',
  'COD',
  'NH3-N',
  'pH',
  'DO',
  'km',
  'cm',
  'mm',
  'm',
  'h',
  'min',
  's',
  'ms',
  'kPa',
  'hPa',
  'Pa',
  'mg',
  'μg',
  'L',
  'kg',
  't',
  'kW',
  'kWh',
  'MW',
  'dB',
  'LEL',
  'ppm',
  'NTU',
  'Chromium',
  'GCJ-02',
  'WGS-84',
  'HMAC-SHA256',
  'Holt',
  'JT',
  'LB',
  'µg',
  'μg',
  'NGSI',
  'ECharts',
  'Ant',
  'Design',
  'Swagger',
  'Webhook',
  'webhook',
  'https',
  'http',
  'TLS',
];

export interface Finding {
  kind: 'identifier' | 'english' | 'chinese' | 'unlabelled';
  text: string;
  where: string;
}

export async function auditPage(page: Page, lang: 'zh' | 'en', allow: readonly string[] = []): Promise<Finding[]> {
  // tsx keeps function names with a helper the page does not have.
  await page.evaluate('window.__name = window.__name || ((f) => f)');
  return page.evaluate(
    ({ lang, allowed }) => {
      const allow = new Set(allowed);
      const out: { kind: 'identifier' | 'english' | 'chinese' | 'unlabelled'; text: string; where: string }[] = [];
      const visible = (el: Element) => {
        const r = el.getBoundingClientRect();
        const s = getComputedStyle(el);
        return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && s.display !== 'none' && Number(s.opacity) > 0;
      };
      const where = (el: Element) => {
        const parts: string[] = [];
        for (let e: Element | null = el; e && parts.length < 3; e = e.parentElement) {
          const id = e.getAttribute('data-testid');
          parts.unshift(id ? `[${id}]` : e.tagName.toLowerCase() + (e.classList[0] ? `.${e.classList[0]}` : ''));
        }
        return parts.join('>');
      };
      // Names and codes (translate="no"), decoration hidden from readers (aria-hidden), the
      // language switch (each language is named in itself: English, 中文).
      const skip = (el: Element) =>
        el.closest('[translate="no"], [aria-hidden="true"], [data-lang-switch], script, style, noscript, .ant-picker-dropdown, .ant-picker-panel');
      // Ant Design names its own icons and steppers for screen readers in English (`down`,
      // `Increase Value`); those names are the library's, listed in docs/ui.md as a known gap.
      const library = (el: Element, attr: string) =>
        (attr === 'aria-label' || attr === 'title') && !!el.closest('.anticon, .ant-input-number-handler, .ant-segmented, .ant-select-arrow');
      const check = (text: string, el: Element) => {
        const s = text.trim();
        if (!s) return;
        if (lang === 'en') {
          if (/[\u3400-\u9fff]/.test(s)) out.push({ kind: 'chinese', text: s.slice(0, 80), where: where(el) });
          return;
        }
        const ident = s.match(/\b[a-z][a-z0-9]*_[a-z0-9_]+\b|\b[a-z]+(\.[a-z]+)+\b|\b[a-z]+[A-Z][A-Za-z0-9]*\b/);
        if (ident && !allow.has(ident[0])) {
          out.push({ kind: 'identifier', text: s.slice(0, 80), where: where(el) });
          return;
        }
        for (const w of s.match(/[A-Za-z][A-Za-z0-9.-]*[A-Za-z0-9]|[A-Za-z]/g) ?? []) {
          if (w.length < 2) continue; // a variable in a formula (n 个中 k 个), a unit letter
          if (allow.has(w) || allow.has(w.replace(/\.$/, ''))) continue;
          out.push({ kind: 'english', text: `${w} ‹${s.slice(0, 60)}›`, where: where(el) });
          return;
        }
      };
      const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        const el = n.parentElement;
        if (!el || skip(el) || !visible(el)) continue;
        check(n.textContent ?? '', el);
      }
      for (const el of Array.from(document.querySelectorAll('[placeholder], [title], [aria-label], img[alt]'))) {
        if (skip(el) || !visible(el)) continue;
        for (const a of ['placeholder', 'title', 'aria-label', 'alt']) {
          const v = el.getAttribute(a);
          if (v && !library(el, a)) check(v, el);
        }
      }
      // Form fields a screen reader cannot name.
      for (const el of Array.from(document.querySelectorAll('input, select, textarea, [role="combobox"]'))) {
        const input = el as HTMLInputElement;
        if (input.type === 'hidden' || !visible(el) || el.closest('.ant-picker-dropdown, .ant-select-dropdown, .ant-table-selection, .ant-pagination'))
          continue;
        const labelled =
          el.getAttribute('aria-label') ||
          el.getAttribute('aria-labelledby') ||
          el.getAttribute('title') ||
          (input.id && document.querySelector(`label[for="${CSS.escape(input.id)}"]`)) ||
          el.closest('label') ||
          // A field inside a form item with a visible label (a range picker's second input, say).
          el.closest('.ant-form-item')?.querySelector('.ant-form-item-label label');
        if (!labelled) out.push({ kind: 'unlabelled', text: input.name || input.placeholder || el.outerHTML.slice(0, 80), where: where(el) });
      }
      return out;
    },
    { lang, allowed: [...ALLOWED_LATIN, ...allow] },
  );
}
