/**
 * Unit grids (万米单元网格, CJ/T 213 and CJ/T 349), with their streets (街道) and communities
 * (社区): the 20-digit grid code, the demo city's generated grids, GeoJSON import of real ones,
 * and the point-to-grid lookup every report makes (a packed Hilbert R-tree, Flatbush, over the
 * grids' boxes, then point-in-polygon on the few candidates).
 */
import Flatbush from 'flatbush';
import { type Geometry, type Position, geometryContains } from '../../platform/profile/geo.js';

export { geometryContains };

/** 20 digits: object (city) code 6 + county 6 + street 3 + community 3 + grid sequence 2. */
export const GRID_CODE = /^\d{20}$/;

export function gridCode(city: string, county: string, street: number, community: number, seq: number): string {
  return `${city}${county}${String(street).padStart(3, '0')}${String(community).padStart(3, '0')}${String(seq).padStart(2, '0')}`;
}

/** The parts of a grid code; null when it is not 20 digits. */
export function parseGridCode(code: string): { city: string; county: string; street: string; community: string; seq: string } | null {
  if (!GRID_CODE.test(code)) return null;
  return { city: code.slice(0, 6), county: code.slice(6, 12), street: code.slice(12, 15), community: code.slice(12, 18), seq: code.slice(18) };
}

export interface GridRecord {
  code: string;
  district: string;
  street: string;
  community: string;
  geometry: Geometry;
  bbox: [number, number, number, number];
  areaM2: number;
  generated: boolean;
}

export interface AreaRecord {
  district: string;
  code: string;
  kind: 'street' | 'community';
  parent: string | null;
  name: { zh: string; en: string };
  geometry: Geometry;
  generated: boolean;
}

const EARTH_R = 6_371_008.8;
const rad = (d: number) => (d * Math.PI) / 180;

/** Great-circle distance in metres. */
export function distanceM(lon1: number, lat1: number, lon2: number, lat2: number): number {
  const dLat = rad(lat2 - lat1);
  const dLon = rad(lon2 - lon1);
  const a = Math.sin(dLat / 2) ** 2 + Math.cos(rad(lat1)) * Math.cos(rad(lat2)) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_R * Math.asin(Math.min(1, Math.sqrt(a)));
}

function rings(g: Geometry): Position[][][] {
  return g.type === 'Polygon' ? [g.coordinates as Position[][]] : (g.coordinates as Position[][][]);
}

export function bboxOf(g: Geometry): [number, number, number, number] {
  let w = Infinity;
  let s = Infinity;
  let e = -Infinity;
  let n = -Infinity;
  for (const poly of rings(g))
    for (const [x, y] of poly[0] ?? []) {
      w = Math.min(w, x);
      e = Math.max(e, x);
      s = Math.min(s, y);
      n = Math.max(n, y);
    }
  return [w, s, e, n];
}

/** Area in square metres on a local equirectangular projection (grids are small). */
export function areaM2(g: Geometry): number {
  let total = 0;
  for (const poly of rings(g)) {
    for (const [i, ring] of poly.entries()) {
      const lat0 = rad(ring[0]?.[1] ?? 0);
      let a = 0;
      for (let k = 0, j = ring.length - 1; k < ring.length; j = k++) {
        const [x1, y1] = ring[j]!;
        const [x2, y2] = ring[k]!;
        a += rad(x1) * Math.cos(lat0) * rad(y2) - rad(x2) * Math.cos(lat0) * rad(y1);
      }
      total += (i === 0 ? 1 : -1) * Math.abs(a / 2) * EARTH_R * EARTH_R;
    }
  }
  return total;
}

/** The grids in memory, indexed for point lookups; rebuilt whenever grids are imported. */
export class GridIndex {
  private index: Flatbush | null = null;
  private grids: GridRecord[] = [];
  private readonly byCode = new Map<string, GridRecord>();

  constructor(grids: readonly GridRecord[] = []) {
    this.load(grids);
  }

  load(grids: readonly GridRecord[]): void {
    this.grids = [...grids];
    this.byCode.clear();
    for (const g of this.grids) this.byCode.set(g.code, g);
    if (this.grids.length === 0) {
      this.index = null;
      return;
    }
    const idx = new Flatbush(this.grids.length);
    for (const g of this.grids) idx.add(g.bbox[0], g.bbox[1], g.bbox[2], g.bbox[3]);
    idx.finish();
    this.index = idx;
  }

  get size(): number {
    return this.grids.length;
  }

  get(code: string): GridRecord | undefined {
    return this.byCode.get(code);
  }

  all(): readonly GridRecord[] {
    return this.grids;
  }

  /** The grid containing the point (lon, lat in the profile's datum), if any. */
  find(lon: number, lat: number): GridRecord | undefined {
    if (!this.index) return undefined;
    let hit: GridRecord | undefined;
    this.index.search(lon, lat, lon, lat, (i) => {
      if (hit) return false;
      const g = this.grids[i]!;
      if (geometryContains(g.geometry, lon, lat)) hit = g;
      return false;
    });
    return hit;
  }
}

export interface DemoGridSpec {
  id: string;
  /** [west, south, east, north] of the area to cover, in the profile's datum. */
  bbox: [number, number, number, number];
  /** Side of a square grid in metres (100 m: a 万米 grid of 10,000 m²). */
  cellM: number;
  /** Districts to cover; a cell belongs to the district containing its centre. */
  districts: string[];
  /** A street is this many cells a side, a community this many. */
  streetCells: number;
  communityCells: number;
  /** The first street number of this area in its district (another area of the same district starts further on). */
  firstStreet?: number;
  /** A named area (a scenic area's own grids, 景区网格): its streets and communities carry the name. */
  label?: { zh: string; en: string };
}

/**
 * Square grids over an area, each in the district containing its centre; streets and
 * communities are blocks of cells. For a demo: every record is marked generated, and a city
 * imports its surveyed grids instead.
 */
export function generateGrids(
  spec: DemoGridSpec,
  cityCode: string,
  districtAt: (lon: number, lat: number) => string | undefined,
  districtName: (adcode: string) => { zh: string; en: string },
): { grids: GridRecord[]; areas: AreaRecord[] } {
  const [w, s, e, n] = spec.bbox;
  const dLat = spec.cellM / 111_320;
  const dLon = spec.cellM / (111_320 * Math.cos(rad((s + n) / 2)));
  const cols = Math.ceil((e - w) / dLon);
  const rows = Math.ceil((n - s) / dLat);
  const want = new Set(spec.districts);
  // district → street block key → community block key → cells
  const streets = new Map<string, Map<string, Map<string, { col: number; row: number }[]>>>();
  for (let r = 0; r < rows; r++)
    for (let c = 0; c < cols; c++) {
      const d = districtAt(w + (c + 0.5) * dLon, s + (r + 0.5) * dLat);
      if (!d || !want.has(d)) continue;
      const sk = `${Math.floor(r / spec.streetCells)}:${Math.floor(c / spec.streetCells)}`;
      const ck = `${Math.floor(r / spec.communityCells)}:${Math.floor(c / spec.communityCells)}`;
      const byStreet = streets.get(d) ?? new Map();
      streets.set(d, byStreet);
      const byCommunity = byStreet.get(sk) ?? new Map();
      byStreet.set(sk, byCommunity);
      const cells = byCommunity.get(ck) ?? [];
      byCommunity.set(ck, cells);
      cells.push({ col: c, row: r });
    }
  const cellGeometry = (col: number, row: number): Geometry => {
    const x0 = w + col * dLon;
    const y0 = s + row * dLat;
    const r6 = (v: number) => Math.round(v * 1e6) / 1e6;
    return {
      type: 'Polygon',
      coordinates: [
        [
          [r6(x0), r6(y0)],
          [r6(x0 + dLon), r6(y0)],
          [r6(x0 + dLon), r6(y0 + dLat)],
          [r6(x0), r6(y0 + dLat)],
          [r6(x0), r6(y0)],
        ],
      ],
    };
  };
  const boxOf = (cells: { col: number; row: number }[]): Geometry => {
    const c0 = Math.min(...cells.map((x) => x.col));
    const c1 = Math.max(...cells.map((x) => x.col)) + 1;
    const r0 = Math.min(...cells.map((x) => x.row));
    const r1 = Math.max(...cells.map((x) => x.row)) + 1;
    const r6 = (v: number) => Math.round(v * 1e6) / 1e6;
    const [x0, x1, y0, y1] = [r6(w + c0 * dLon), r6(w + c1 * dLon), r6(s + r0 * dLat), r6(s + r1 * dLat)];
    return {
      type: 'Polygon',
      coordinates: [
        [
          [x0, y0],
          [x1, y0],
          [x1, y1],
          [x0, y1],
          [x0, y0],
        ],
      ],
    };
  };
  const grids: GridRecord[] = [];
  const areas: AreaRecord[] = [];
  for (const [d, byStreet] of [...streets.entries()].sort()) {
    const dn = districtName(d);
    let streetNo = (spec.firstStreet ?? 1) - 1;
    for (const byCommunity of byStreet.values()) {
      streetNo++;
      const streetCode = String(streetNo).padStart(3, '0');
      const allCells = [...byCommunity.values()].flat();
      areas.push({
        district: d,
        code: streetCode,
        kind: 'street',
        parent: null,
        name: spec.label
          ? { zh: `${spec.label.zh}景区网格（生成）`, en: `${spec.label.en} scenic-area grids (generated)` }
          : { zh: `${dn.zh}示例街道${streetNo}（生成）`, en: `${dn.en} sample street ${streetNo} (generated)` },
        geometry: boxOf(allCells),
        generated: true,
      });
      let communityNo = 0;
      for (const cells of byCommunity.values()) {
        communityNo++;
        const communityCode = `${streetCode}${String(communityNo).padStart(3, '0')}`;
        areas.push({
          district: d,
          code: communityCode,
          kind: 'community',
          parent: streetCode,
          name: spec.label
            ? { zh: `${spec.label.zh}片区${communityNo}（生成）`, en: `${spec.label.en} section ${communityNo} (generated)` }
            : { zh: `示例社区${streetNo}-${communityNo}（生成）`, en: `Sample community ${streetNo}-${communityNo} (generated)` },
          geometry: boxOf(cells),
          generated: true,
        });
        cells.forEach(({ col, row }, i) => {
          const geometry = cellGeometry(col, row);
          grids.push({
            code: gridCode(cityCode, d, streetNo, communityNo, i + 1),
            district: d,
            street: streetCode,
            community: communityCode,
            geometry,
            bbox: bboxOf(geometry),
            areaM2: Math.round(areaM2(geometry)),
            generated: true,
          });
        });
      }
    }
  }
  return { grids, areas };
}
