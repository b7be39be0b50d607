import { useEffect, useMemo, useState } from 'react';
import { api } from './api';
import { useI18n } from './i18n';

export interface District {
  adcode: string;
  name: { zh: string; en: string };
  kind: string;
  parent: string | null;
  center: [number, number] | null;
  geometry?: { type: 'Polygon' | 'MultiPolygon'; coordinates: number[][][] | number[][][][] } | null;
}

type Ring = number[][];

function polygonsOf(g: NonNullable<District['geometry']>): Ring[][] {
  return g.type === 'Polygon' ? [g.coordinates as Ring[]] : (g.coordinates as Ring[][]);
}

/** The area centroid of the largest polygon: where the district's name reads best. */
function labelPoint(g: NonNullable<District['geometry']>, px: (x: number) => number, py: (y: number) => number): [number, number] | null {
  let best: { a: number; x: number; y: number } | null = null;
  for (const poly of polygonsOf(g)) {
    const ring = poly[0]!;
    let a = 0;
    let cx = 0;
    let cy = 0;
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const [x0, y0] = [px(ring[j]![0]!), py(ring[j]![1]!)];
      const [x1, y1] = [px(ring[i]![0]!), py(ring[i]![1]!)];
      const f = x0 * y1 - x1 * y0;
      a += f;
      cx += (x0 + x1) * f;
      cy += (y0 + y1) * f;
    }
    if (a !== 0 && (!best || Math.abs(a) > Math.abs(best.a))) best = { a, x: cx / (3 * a), y: cy / (3 * a) };
  }
  return best ? [best.x, best.y] : null;
}

/** The city's districts drawn from their boundaries (equirectangular, scaled at the city's latitude). */
export function CityMap({
  districts,
  selected,
  onSelect,
  theme = 'light',
  height = 420,
  points = [],
  focus,
  onPick,
}: {
  /** A click on the map picks a place: its longitude and latitude (GCJ-02). */
  onPick?: (lon: number, lat: number) => void;
  /** Markers (GCJ-02) drawn over the districts, e.g. devices coloured by health; `kind` names the layer, `size` scales the marker. */
  points?: { id: string; lon: number; lat: number; color: string; title: string; kind?: string; size?: number; onClick?: () => void }[];
  /** Zoom to a circle (an incident and its surroundings) instead of the whole city. */
  focus?: { lon: number; lat: number; radiusM: number } | null;
  districts: District[];
  selected?: string | null;
  onSelect?: (adcode: string) => void;
  theme?: 'light' | 'dark';
  height?: number;
}) {
  const { n, t } = useI18n();
  const shapes = useMemo(() => {
    const withGeo = districts.filter((d) => d.geometry);
    let minX = Infinity;
    let minY = Infinity;
    let maxX = -Infinity;
    let maxY = -Infinity;
    for (const d of withGeo)
      for (const poly of polygonsOf(d.geometry!))
        for (const [x, y] of poly[0]!) {
          minX = Math.min(minX, x!);
          maxX = Math.max(maxX, x!);
          minY = Math.min(minY, y!);
          maxY = Math.max(maxY, y!);
        }
    const k = Math.cos((((minY + maxY) / 2) * Math.PI) / 180);
    const W = 1000;
    const scale = W / ((maxX - minX) * k);
    const H = (maxY - minY) * scale;
    const px = (x: number) => (x - minX) * k * scale;
    const py = (y: number) => (maxY - y) * scale;
    return {
      // The inverse: a point of the drawing back to longitude and latitude.
      lonOf: (sx: number) => sx / (k * scale) + minX,
      latOf: (sy: number) => maxY - sy / scale,
      W,
      H,
      scale,
      px,
      py,
      items: withGeo.map((d) => ({
        d,
        path: polygonsOf(d.geometry!)
          .map((poly) => poly.map((ring) => `M${ring.map(([x, y]) => `${px(x!).toFixed(1)},${py(y!).toFixed(1)}`).join('L')}Z`).join(''))
          .join(''),
        label: labelPoint(d.geometry!, px, py),
      })),
    };
  }, [districts]);

  // The view box: the whole city, or a square around the focus; marks keep their size on screen.
  const full = { x: -10, y: -10, w: shapes.W + 20, h: shapes.H + 20 };
  const box = focus
    ? (() => {
        const r = (focus.radiusM / 111_320) * shapes.scale;
        return { x: shapes.px(focus.lon) - r, y: shapes.py(focus.lat) - r, w: 2 * r, h: 2 * r };
      })()
    : full;
  // Marks keep a readable size on screen: the whole city's scale, or about 1/300 of a zoomed view.
  const u = focus ? box.w / 300 : 1;
  const dark = theme === 'dark';
  const palette = dark ? ['#1b3a63', '#1f4677', '#24518a', '#1a4270'] : ['#dbe8fb', '#cfe0f7', '#e4eefb', '#c7dbf5'];
  return (
    // biome-ignore lint/a11y/useKeyWithClickEvents: picking on the map is an addition; forms that use it offer a place without a pointer too (the device's location)
    <svg
      viewBox={`${box.x} ${box.y} ${box.w} ${box.h}`}
      style={{ width: '100%', height, display: 'block', cursor: onPick ? 'crosshair' : undefined }}
      role="img"
      aria-label={t('map.city')}
      data-testid={onPick ? 'pick-map' : undefined}
      onClick={
        onPick
          ? (e) => {
              const svg = e.currentTarget;
              const m = svg.getScreenCTM();
              if (!m) return;
              const pt = new DOMPoint(e.clientX, e.clientY).matrixTransform(m.inverse());
              onPick(Number(shapes.lonOf(pt.x).toFixed(6)), Number(shapes.latOf(pt.y).toFixed(6)));
            }
          : undefined
      }
    >
      {shapes.items.map(({ d, path }, i) => (
        <path
          key={d.adcode}
          d={path}
          data-adcode={d.adcode}
          fill={selected === d.adcode ? (dark ? '#d4a017' : '#ffd666') : palette[i % palette.length]}
          stroke={dark ? '#6fa8ff' : '#4a78b5'}
          strokeWidth={2 * u}
          style={{ cursor: onSelect ? 'pointer' : 'default' }}
          {...(onSelect
            ? {
                role: 'button',
                tabIndex: 0,
                'aria-label': n(d.name),
                onClick: () => onSelect(d.adcode),
                onKeyDown: (e: React.KeyboardEvent) => {
                  if (e.key === 'Enter' || e.key === ' ') onSelect(d.adcode);
                },
              }
            : {})}
        >
          <title>{`${n(d.name)} ${d.adcode}`}</title>
        </path>
      ))}
      {focus && (
        <circle
          cx={shapes.px(focus.lon)}
          cy={shapes.py(focus.lat)}
          r={box.w / 2}
          fill="none"
          stroke={dark ? '#ffd666' : '#e8363b'}
          strokeDasharray={`${8 * u} ${6 * u}`}
          strokeWidth={1.5 * u}
          style={{ pointerEvents: 'none' }}
        />
      )}
      {points.map((pt) => (
        <circle
          key={pt.id}
          cx={shapes.px(pt.lon)}
          cy={shapes.py(pt.lat)}
          r={6 * u * (pt.size ?? 1)}
          fill={pt.color}
          stroke="#fff"
          strokeWidth={1.5 * u}
          data-device={pt.id}
          data-kind={pt.kind}
          // A point is labelled with the name of what stands there: a name, not UI text.
          {...({ translate: 'no' } as Record<string, string>)}
          style={{ cursor: pt.onClick ? 'pointer' : 'default' }}
          {...(pt.onClick
            ? {
                role: 'button',
                tabIndex: 0,
                'aria-label': pt.title,
                onClick: pt.onClick,
                onKeyDown: (e: React.KeyboardEvent) => {
                  if (e.key === 'Enter' || e.key === ' ') pt.onClick?.();
                },
              }
            : {})}
        >
          <title>{pt.title}</title>
        </circle>
      ))}
      {shapes.items.map(({ d, label }) =>
        label ? (
          <text
            key={`t${d.adcode}`}
            x={label[0]}
            y={label[1]}
            textAnchor="middle"
            fontSize={26 * u}
            fill={dark ? '#e6edf7' : '#1d2b3f'}
            style={{ pointerEvents: 'none', fontWeight: 600 }}
          >
            {n(d.name)}
          </text>
        ) : null,
      )}
    </svg>
  );
}

export function useDistricts(geometry = true) {
  const [districts, setDistricts] = useState<District[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api<District[]>('GET', `/api/districts?geometry=${geometry}`)
      .then(setDistricts)
      .catch((e: Error) => setError(e.message));
  }, [geometry]);
  return { districts, error };
}
