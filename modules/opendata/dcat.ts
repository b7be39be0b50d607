/**
 * DCAT-AP 3 metadata as JSON-LD: the catalogue (dcat:Catalog) and each dataset (dcat:Dataset) with
 * its distributions, in both languages, with the EU vocabularies DCAT-AP expects for themes,
 * frequencies, file types and access rights. The @context is inline: nothing is fetched to read it.
 */
import type { Text } from '../../platform/i18n/index.js';
import { dataUrl, pageUrl, type CkanSite } from './ckan.js';
import type { DatasetView } from './opendata.service.js';
import { EU_FILE_TYPE_BASE, EU_FREQUENCY_BASE, EU_THEME_BASE, FORMATS, FREQUENCIES, LICENCES, THEMES } from './vocabulary.js';

export const DCAT_CONTEXT = {
  dcat: 'http://www.w3.org/ns/dcat#',
  dct: 'http://purl.org/dc/terms/',
  foaf: 'http://xmlns.com/foaf/0.1/',
  vcard: 'http://www.w3.org/2006/vcard/ns#',
  xsd: 'http://www.w3.org/2001/XMLSchema#',
  rdfs: 'http://www.w3.org/2000/01/rdf-schema#',
  dcatap: 'http://data.europa.eu/r5r/',
} as const;

const ACCESS_RIGHTS = 'http://publications.europa.eu/resource/authority/access-right/';

const lang = (t: Text) => [{ '@value': t.zh, '@language': 'zh-Hans' }, ...(t.en ? [{ '@value': t.en, '@language': 'en' }] : [])];
const dateTime = (ms: number) => ({ '@value': new Date(ms).toISOString(), '@type': 'xsd:dateTime' });
const iri = (id: string) => ({ '@id': id });

const agent = (site: CkanSite, code: string) => {
  const name = site.organisations.find((o) => o.code === code)?.name ?? { zh: code, en: code };
  return { '@id': `${site.base}/open/organization/${code.toLowerCase()}`, '@type': 'foaf:Agent', 'foaf:name': lang(name) };
};

function licenceIri(site: CkanSite, id: string): string {
  return LICENCES[id]?.url || `${site.base}/open/licences/${id}`;
}

/** One dataset as a DCAT-AP node (no @context). */
export function datasetNode(site: CkanSite, d: DatasetView) {
  const page = pageUrl(site, d);
  return {
    '@id': page,
    '@type': 'dcat:Dataset',
    'dct:identifier': d.id,
    'dct:title': lang(d.title),
    'dct:description': lang(d.description.zh ? d.description : { zh: d.title.zh, en: d.description.en }),
    'dct:publisher': agent(site, d.provider),
    'dcat:contactPoint': { '@type': 'vcard:Organization', 'vcard:fn': d.providerName.zh },
    'dcat:theme': [...new Set(d.themes.map((t) => THEMES[t]?.eu).filter(Boolean))].map((eu) => iri(`${EU_THEME_BASE}${eu}`)),
    'dcat:keyword': d.keywords.map((k) => ({ '@value': k, '@language': 'zh-Hans' })),
    'dct:issued': dateTime(d.createdAt),
    'dct:modified': dateTime(d.modifiedAt),
    'dct:accrualPeriodicity': iri(`${EU_FREQUENCY_BASE}${FREQUENCIES[d.updateCycle] ?? 'UNKNOWN'}`),
    'dct:accessRights': iri(`${ACCESS_RIGHTS}${d.openType === 'open' ? 'PUBLIC' : 'RESTRICTED'}`),
    'dcat:landingPage': iri(page),
    'dct:source': d.resource,
    'dcat:distribution': d.formats.map((f) => ({
      '@id': dataUrl(site, d, f),
      '@type': 'dcat:Distribution',
      'dct:title': lang({ zh: `${d.title.zh}（${FORMATS[f].ckan}）`, en: `${d.title.en || d.title.zh} (${FORMATS[f].ckan})` }),
      'dcat:accessURL': iri(page),
      'dcat:downloadURL': iri(dataUrl(site, d, f)),
      'dct:format': iri(`${EU_FILE_TYPE_BASE}${FORMATS[f].eu}`),
      'dcat:mediaType': iri(`http://www.iana.org/assignments/media-types/${FORMATS[f].media}`),
      'dct:license': iri(licenceIri(site, d.licence)),
      ...(d.dataAt !== null ? { 'dct:modified': dateTime(d.dataAt) } : {}),
    })),
  };
}

/** One dataset as a JSON-LD document. */
export function datasetDocument(site: CkanSite, d: DatasetView) {
  return { '@context': DCAT_CONTEXT, ...datasetNode(site, d) };
}

/** The portal's catalogue with every active dataset. */
export function catalogueDocument(site: CkanSite, publisher: string) {
  const modified = site.datasets.reduce((m, d) => Math.max(m, d.modifiedAt), 0);
  return {
    '@context': DCAT_CONTEXT,
    '@id': `${site.base}/open/catalog`,
    '@type': 'dcat:Catalog',
    'dct:title': lang(site.title),
    'dct:description': lang({ zh: `${site.title.zh}：政府数据开放目录`, en: `${site.title.en}: the government's open data catalogue` }),
    'dct:publisher': agent(site, publisher),
    'foaf:homepage': iri(`${site.base}/open`),
    'dct:language': [
      iri('http://publications.europa.eu/resource/authority/language/ZHO'),
      iri('http://publications.europa.eu/resource/authority/language/ENG'),
    ],
    'dcat:themeTaxonomy': iri('http://publications.europa.eu/resource/authority/data-theme'),
    ...(modified ? { 'dct:modified': dateTime(modified) } : {}),
    'dcat:dataset': site.datasets.map((d) => datasetNode(site, d)),
  };
}
