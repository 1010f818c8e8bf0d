// Writes web/maps/world-110m.tsv to stdout: one line per country,
//   ALPHA3 <TAB> svg-path-d
// in a plate carrée (equirectangular) projection onto a 1000x500 box
// (x = (lon + 180) / 360 * 1000, y = (90 - lat) / 180 * 500).
//
// Source: Natural Earth 1:110m admin-0 countries, as TopoJSON from the npm
// package world-atlas (pinned in package-lock.json). Ids there are ISO 3166-1
// numeric codes; they are mapped to alpha-3 with Debian's iso-codes.
//
// Usage (from the repository root):
//   (cd tools/world-map && npm ci)
//   node tools/world-map/generate.mjs > web/maps/world-110m.tsv
// Options (environment): ISO_CODES_JSON overrides the iso-codes path.

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { feature } from 'topojson-client';

const require = createRequire(import.meta.url);
const topology = JSON.parse(
  readFileSync(require.resolve('world-atlas/countries-110m.json'), 'utf8'));
const isoPath = process.env.ISO_CODES_JSON || '/usr/share/iso-codes/json/iso_3166-1.json';
const iso = JSON.parse(readFileSync(isoPath, 'utf8'))['3166-1'];

const WIDTH = 1000;
const HEIGHT = 500;
const SOUTH_LIMIT = -60; // drop Antarctica; clamp anything else south of it
const UNLABELLED = '-';
// Decimal places kept (0: integers). 0 is plenty for a map drawn at up to
// ~1000 px wide and halves the file; PRECISION=1 gives finer outlines.
const PRECISION = Number(process.env.PRECISION ?? 0);
const SCALE = 10 ** PRECISION;

const numericToAlpha3 = new Map(iso.map((c) => [c.numeric.padStart(3, '0'), c.alpha_3]));

// Features Natural Earth carries without an ISO numeric id.
const NAMED = new Map([
  ['Kosovo', 'XKX'], // user-assigned code used by the EU, IMF and others
  ['N. Cyprus', UNLABELLED], // de jure part of CYP; kept as its own unlabelled shape
  ['Somaliland', UNLABELLED], // de jure part of SOM; kept as its own unlabelled shape
]);

function codeOf(f) {
  if (f.id !== undefined) {
    const code = numericToAlpha3.get(String(f.id).padStart(3, '0'));
    if (!code) throw new Error(`no alpha-3 code for numeric id ${f.id} (${f.properties.name})`);
    return code;
  }
  const code = NAMED.get(f.properties.name);
  if (code === undefined) throw new Error(`feature without id: ${f.properties.name}`);
  return code;
}

// Projected coordinates in units of 1/SCALE, as integers, so that relative
// steps can be taken exactly.
const project = ([lon, lat]) => [
  Math.round(((lon + 180) / 360) * WIDTH * SCALE),
  Math.round(((90 - Math.max(lat, SOUTH_LIMIT)) / 180) * HEIGHT * SCALE),
];

// An integer in 1/SCALE units as the shortest SVG number: 12, -3, .5, -1.5.
function fmt(n) {
  if (PRECISION === 0) return String(n);
  const s = (n / SCALE).toFixed(PRECISION).replace(/\.?0+$/, '');
  return s.replace(/^(-?)0\./, '$1.');
}

// Some rings (Russia's Chukotka, Alaska's Aleutians, Fiji) cross the
// antimeridian, jumping from +180 to -180. Drawn as they are they would
// streak across the whole map, so each ring is unwrapped into continuous
// longitudes and then cut into the pieces that fall within [-180, 180].
function splitAtAntimeridian(ring) {
  const out = [[ring[0][0], ring[0][1]]];
  for (let i = 1; i < ring.length; i++) {
    let d = ring[i][0] - ring[i - 1][0];
    if (d > 180) d -= 360;
    if (d < -180) d += 360;
    out.push([out[i - 1][0] + d, ring[i][1]]);
  }
  const lons = out.map(([lon]) => lon);
  const min = Math.min(...lons);
  const max = Math.max(...lons);
  if (min >= -180 && max <= 180) return [out];
  if (Math.abs(out.at(-1)[0] - out[0][0]) > 1e-9) {
    throw new Error('ring winds around a pole'); // only Antarctica, dropped earlier
  }
  const pieces = [];
  for (const shift of [-360, 0, 360]) {
    if (max + shift <= -180 || min + shift >= 180) continue;
    let piece = out.map(([lon, lat]) => [lon + shift, lat]);
    piece = clipHalfPlane(piece, (p) => p[0] >= -180, -180);
    piece = clipHalfPlane(piece, (p) => p[0] <= 180, 180);
    if (piece.length >= 3) pieces.push(piece);
  }
  return pieces;
}

// Sutherland–Hodgman against the vertical line lon = edge: keeps the part
// of a (closed) ring on the `inside` side.
function clipHalfPlane(ring, inside, edge) {
  const out = [];
  const n = ring.length;
  for (let i = 0; i < n; i++) {
    const a = ring[i];
    const b = ring[(i + 1) % n];
    const ia = inside(a);
    const ib = inside(b);
    if (ia) out.push(a);
    if (ia !== ib) {
      const t = (edge - a[0]) / (b[0] - a[0]);
      out.push([edge, a[1] + t * (b[1] - a[1])]);
    }
  }
  return out;
}

// One ring -> "Mx yl dx dy..." with integer coordinates, or '' when the ring
// collapses below three distinct points.
function ringPath(ring) {
  const pts = [];
  for (const p of ring.map(project)) {
    const last = pts[pts.length - 1];
    if (!last || last[0] !== p[0] || last[1] !== p[1]) pts.push(p);
  }
  // Rings are closed (first == last); 'z' closes them again.
  if (pts.length > 1 && pts[0][0] === pts.at(-1)[0] && pts[0][1] === pts.at(-1)[1]) pts.pop();
  if (pts.length < 3) return '';
  // Relative moves after the first point: shorter, and exact because the
  // absolute points were rounded before taking differences.
  // A separator is needed unless the number starts with '-', or with '.'
  // after a number that already has a decimal point.
  let prev = '';
  const num = (n, first) => {
    const s = fmt(n);
    const sep = first || s[0] === '-' || (s[0] === '.' && prev.includes('.')) ? '' : ' ';
    prev = s;
    return sep + s;
  };
  let d = `M${fmt(pts[0][0])} ${fmt(pts[0][1])}l`;
  for (let i = 1; i < pts.length; i++) {
    const dx = pts[i][0] - pts[i - 1][0];
    const dy = pts[i][1] - pts[i - 1][1];
    d += num(dx, i === 1) + num(dy, false);
  }
  return d + 'z';
}

function polygons(geometry) {
  if (!geometry) return [];
  if (geometry.type === 'Polygon') return [geometry.coordinates];
  if (geometry.type === 'MultiPolygon') return geometry.coordinates;
  throw new Error(`unexpected geometry ${geometry.type}`);
}

const rows = [];
for (const f of feature(topology, topology.objects.countries).features) {
  const code = codeOf(f);
  const d = polygons(f.geometry)
    .flatMap((poly) => poly)
    .filter((ring) => !ring.every(([, lat]) => lat < SOUTH_LIMIT))
    .flatMap(splitAtAntimeridian)
    .map(ringPath)
    .filter((s) => s !== '')
    .join('');
  if (d === '') continue; // Antarctica, or too small to draw at this scale
  rows.push([code, d]);
}
rows.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : 1));
process.stdout.write(rows.map(([c, d]) => `${c}\t${d}\n`).join(''));
