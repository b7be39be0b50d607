/** Point-in-polygon lookups over GeoJSON (Multi)Polygons, with bounding boxes to skip most rings. */

export type Position = [number, number];
export type PolygonCoords = Position[][];
export interface Geometry {
  type: 'Polygon' | 'MultiPolygon';
  coordinates: PolygonCoords | PolygonCoords[];
}

interface PreparedPolygon {
  bbox: [number, number, number, number];
  rings: Position[][];
}

/** Whether (x, y) lies inside a ring (even-odd rule). */
export function ringContains(ring: Position[], x: number, y: number): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i]!;
    const [xj, yj] = ring[j]!;
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

function prepare(geometry: Geometry): PreparedPolygon[] {
  const polygons = geometry.type === 'Polygon' ? [geometry.coordinates as PolygonCoords] : (geometry.coordinates as PolygonCoords[]);
  return polygons.map((rings) => {
    let minX = Infinity;
    let minY = Infinity;
    let maxX = -Infinity;
    let maxY = -Infinity;
    for (const [x, y] of rings[0] ?? []) {
      minX = Math.min(minX, x);
      maxX = Math.max(maxX, x);
      minY = Math.min(minY, y);
      maxY = Math.max(maxY, y);
    }
    return { bbox: [minX, minY, maxX, maxY], rings };
  });
}

/** Whether a (Multi)Polygon contains (x, y): inside an outer ring and outside its holes. */
export function geometryContains(g: Geometry, x: number, y: number): boolean {
  const polygons = g.type === 'Polygon' ? [g.coordinates as PolygonCoords] : (g.coordinates as PolygonCoords[]);
  return polygons.some((rings) => ringContains(rings[0]!, x, y) && !rings.slice(1).some((h) => ringContains(h, x, y)));
}

export class RegionIndex<K> {
  private readonly regions: { key: K; polygons: PreparedPolygon[] }[] = [];

  add(key: K, geometry: Geometry): void {
    this.regions.push({ key, polygons: prepare(geometry) });
  }

  /** The box [west, south, east, north] around every region. */
  bbox(): [number, number, number, number] | null {
    const boxes = this.regions.flatMap((r) => r.polygons.map((p) => p.bbox));
    if (boxes.length === 0) return null;
    return [Math.min(...boxes.map((b) => b[0])), Math.min(...boxes.map((b) => b[1])), Math.max(...boxes.map((b) => b[2])), Math.max(...boxes.map((b) => b[3]))];
  }

  /** The first region containing the point (lon, lat), in the same datum as the geometries. */
  find(lon: number, lat: number): K | undefined {
    for (const r of this.regions) {
      for (const p of r.polygons) {
        const [minX, minY, maxX, maxY] = p.bbox;
        if (lon < minX || lon > maxX || lat < minY || lat > maxY) continue;
        // Inside the outer ring and outside every hole.
        if (ringContains(p.rings[0]!, lon, lat) && !p.rings.slice(1).some((h) => ringContains(h, lon, lat))) return r.key;
      }
    }
    return undefined;
  }
}
