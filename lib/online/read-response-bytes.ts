// The online answer written as UTF-8 JSON byte by byte from the stored packed values (what the
// feature server sends): no per-value strings, no nested arrays, no JSON.stringify.
// Longer than ~400 lines on purpose: one writer whose parts share module-level scratch buffers and
// byte constants on the hot path; split, they would trade locality for indirection.
import "server-only";
import { type ViewSlot } from "./read-plan";
import { READ_CHUNK, US } from "./read-redis";
import { EPOCH_ISO, type OnlineRead } from "./read-types";
import { keyEchoJson } from "./values";
import { civilPacked } from "../shared/time-us";

// ---- The byte-level JSON writer (getOnlineFeaturesJson) ----

/**
 * Finds the element byte ranges of a packed `__row` / `__agg` value (keys.ts: a JSON array of JSON
 * values, as the writers produce it) without parsing the values: strings (with their escapes) and
 * nested arrays/objects are skipped over whole, whitespace around elements is dropped. The value is
 * b[from, to); element k's
 * range goes to ranges[at + 2k] (start) and ranges[at + 2k + 1] (end), for at most `max` elements;
 * returns how many elements the array has.
 */
export function scanPacked(b: Uint8Array, from: number, to: number, ranges: Int32Array, at: number, max: number): number {
  let end = to - 1;
  while (end > from && b[end] !== 93 /* ] */) end--;
  let i = from;
  while (i < end && b[i] !== 91 /* [ */) i++;
  i++;
  if (i > end) return 0;
  let count = 0;
  let start = i;
  let depth = 0;
  for (; i < end; i++) {
    const c = b[i];
    if (c >= 45 && c <= 57) continue; // - . / 0-9: the bulk of numeric values, tested first
    if (c === 44 /* , */) {
      if (depth !== 0) continue;
      if (count < max) trimInto(b, start, i, ranges, at + 2 * count);
      count++;
      start = i + 1;
    } else if (c === 34 /* " */) {
      for (i++; i < end; i++) {
        const d = b[i];
        if (d === 92 /* \ */) i++;
        else if (d === 34) break;
      }
    } else if (c === 91 /* [ */ || c === 123 /* { */) depth++;
    else if (c === 93 /* ] */ || c === 125 /* } */) depth--;
  }
  if (count === 0) {
    // `[]` (only whitespace inside) has no elements.
    let k = start;
    while (k < end && b[k] <= 32) k++;
    if (k === end) return 0;
  }
  if (count < max) trimInto(b, start, end, ranges, at + 2 * count);
  return count + 1;
}

function trimInto(b: Uint8Array, from: number, to: number, ranges: Int32Array, k: number): void {
  while (from < to && b[from] <= 32) from++;
  while (to > from && b[to - 1] <= 32) to--;
  ranges[k] = from;
  ranges[k + 1] = to;
}

/** The JSON text `null`, byte by byte. */
function isNullAt(b: Uint8Array, s: number, e: number): boolean {
  return e - s === 4 && b[s] === 110 && b[s + 1] === 117 && b[s + 2] === 108 && b[s + 3] === 108;
}

const Q_PRESENT = '"PRESENT"';
const Q_EPOCH = `"${EPOCH_ISO}"`;

/** `n` copies of `item` joined by commas. */
function repeatJoined(item: string, n: number): string {
  return n <= 0 ? "" : `${item},`.repeat(n - 1) + item;
}

/**
 * Scratch space for the per-row numbers of one response (element counts, staleness, element byte
 * ranges), reused across responses: a response is written synchronously, and typed arrays of this
 * size live outside the JS heap, where allocating them per request drove frequent full GCs.
 */
let scratch = new Int32Array(1 << 16);
const SCRATCH_KEEP = 1 << 20;

function scratchOf(size: number): Int32Array {
  if (size <= scratch.length) return scratch;
  const grown = new Int32Array(Math.max(size, 2 * scratch.length));
  if (grown.length <= SCRATCH_KEEP) scratch = grown; // a rare huge request does not pin its memory
  return grown;
}

/** One clock of a view slot (row-level values or window aggregates), scanned once per row. */
interface BytePart {
  /** Packed value per row; null = absent (NOT_FOUND). */
  packed: (Uint8Array | null)[];
  /** nums[base + 2i]: element count of row i; nums[base + 2i + 1]: 1 when row i is older than the
   * ttl (OUTSIDE_MAX_AGE); element k of row i spans nums[ranges + 2(i·width + k)] .. [+1]. */
  nums: Int32Array;
  base: number;
  ranges: number;
  width: number;
  /** Event time per row: whole seconds since the epoch (NaN for absent rows) and the microseconds. */
  secs: number[];
  micros: number[];
  /** The tail of a column with no null value and no short row (statuses and event_timestamps),
   * as bytes [tailFrom, tailTo) of the byte scratch (tailBytes). */
  tailFrom: number;
  tailTo: number;
}

/** Byte scratch for the per-view tails of one response (written synchronously, like `scratch`). */
let tailBytes = Buffer.allocUnsafeSlow(1 << 16);

function tailRoom(at: number, extra: number): void {
  if (at + extra <= tailBytes.length) return;
  const grown = Buffer.allocUnsafeSlow(Math.max(at + extra, 2 * tailBytes.length));
  tailBytes.copy(grown, 0, 0, at);
  tailBytes = grown;
}

const TAIL_STATUSES = Buffer.from('],"statuses":[', "latin1");
const TAIL_TIMES = Buffer.from('],"event_timestamps":[', "latin1");
const B_PRESENT = Buffer.from('"PRESENT"', "latin1");
const B_NOT_FOUND = Buffer.from('"NOT_FOUND"', "latin1");
const B_OUTSIDE_MAX_AGE = Buffer.from('"OUTSIDE_MAX_AGE"', "latin1");
const B_NULL_VALUE = Buffer.from('"NULL_VALUE"', "latin1");
const B_EPOCH = Buffer.from(`"${EPOCH_ISO}"`, "latin1");
/** Most bytes one row adds to a tail: the longest status and a quoted time with µs, two commas. */
const TAIL_ROW_MAX = B_OUTSIDE_MAX_AGE.length + 1 + '"0000-00-00T00:00:00.000000Z"'.length + 1;
const TAIL_FIXED = TAIL_STATUSES.length + TAIL_TIMES.length + 2;

/**
 * Writes `"<ISO 8601 UTC>"` (quotes included) at b[at] for the time `secs` seconds + `micros` µs since
 * the epoch (0 ≤ micros < 1e6), with Feast's adaptive fraction (none for whole seconds, three
 * digits for whole milliseconds, else six); returns the new position. No Date, no string.
 */
export function writeIsoQuoted(b: Buffer, at: number, secs: number, micros: number): number {
  const days = Math.floor(secs / 86400);
  let rest = secs - days * 86400;
  const civil = civilPacked(days);
  const year = Math.floor(civil / 10000);
  const month = Math.floor(civil / 100) % 100;
  const day = civil % 100;
  const hh = Math.floor(rest / 3600);
  rest -= hh * 3600;
  const mi = Math.floor(rest / 60);
  const ss = rest - mi * 60;
  b[at++] = 34; // "
  b[at++] = 48 + Math.floor(year / 1000);
  b[at++] = 48 + (Math.floor(year / 100) % 10);
  b[at++] = 48 + (Math.floor(year / 10) % 10);
  b[at++] = 48 + (year % 10);
  b[at++] = 45; // -
  b[at++] = 48 + Math.floor(month / 10);
  b[at++] = 48 + (month % 10);
  b[at++] = 45;
  b[at++] = 48 + Math.floor(day / 10);
  b[at++] = 48 + (day % 10);
  b[at++] = 84; // T
  b[at++] = 48 + Math.floor(hh / 10);
  b[at++] = 48 + (hh % 10);
  b[at++] = 58; // :
  b[at++] = 48 + Math.floor(mi / 10);
  b[at++] = 48 + (mi % 10);
  b[at++] = 58;
  b[at++] = 48 + Math.floor(ss / 10);
  b[at++] = 48 + (ss % 10);
  if (micros !== 0) {
    b[at++] = 46; // .
    const ms = micros % 1000 === 0;
    let div = 100000;
    for (let k = ms ? 3 : 6; k > 0; k--) {
      b[at++] = 48 + (Math.floor(micros / div) % 10);
      div /= 10;
    }
  }
  b[at++] = 90; // Z
  b[at++] = 34;
  return at;
}

/** Seconds of the earliest and latest valid clock (0001-01-01T00:00:00Z, 9999-12-31T23:59:59Z). */
const MIN_SECS = -62135596800;
const MAX_SECS = 253402300799;

/**
 * A stored `__ts` / `__asof` (decimal epoch µs, keys.ts) at b[from, to) split into whole seconds
 * (returned) and microseconds (into micros[i]), exact for the whole range; NaN when the bytes are not
 * a canonical clock in range (keys.ts clockUs: the entity then reads as absent).
 */
function clockAt(b: Buffer, from: number, to: number, micros: number[], i: number): number {
  let p = from;
  const neg = b[p] === 45; // -
  if (neg) p++;
  const len = to - p;
  if (len < 1 || len > 18 || (b[p] === 48 && len > 1)) return NaN;
  let head = 0;
  let tail = 0;
  const split = to - 6;
  for (let k = p; k < to; k++) {
    const d = b[k] - 48;
    if (d < 0 || d > 9) return NaN;
    if (k < split) head = head * 10 + d;
    else tail = tail * 10 + d;
  }
  let secs = head;
  let us = tail;
  if (neg && us > 0) {
    secs = -head - 1;
    us = 1_000_000 - tail;
  } else if (neg) secs = -head;
  if (secs < MIN_SECS || secs > MAX_SECS) return NaN;
  micros[i] = us;
  return secs;
}

/** Whether b[from, to) looks like a packed JSON array ('[' … ']'); anything else reads as absent. */
function isPackedArray(b: Buffer, from: number, to: number): boolean {
  while (from < to && b[from] <= 32) from++;
  while (to > from && b[to - 1] <= 32) to--;
  return to - from >= 2 && b[from] === 91 && b[to - 1] === 93;
}

/** Int32 slots one part needs in the scratch. */
function partSize(n: number, width: number): number {
  return 2 * n + 2 * n * width;
}

/**
 * Finds every field of a group's script answers: entity i's field f spans
 * nums[at + 2(i·nf + f)] .. nums[at + 2(i·nf + f) + 1] in buffer bufs[i] (bufs[i] = its chunk).
 */
function locateFields(chunks: Buffer[], n: number, nf: number, nums: Int32Array, at: number, bufs: Buffer[]): void {
  let i = 0;
  for (const chunk of chunks) {
    let pos = 0;
    const last = Math.min(n, i + READ_CHUNK);
    for (; i < last; i++) {
      bufs[i] = chunk;
      for (let f = 0; f < nf; f++) {
        if (pos > chunk.length) pos = chunk.length; // a short answer: the rest reads as absent
        let end = chunk.indexOf(US, pos);
        if (end < 0) end = chunk.length;
        nums[at + 2 * (i * nf + f)] = pos;
        nums[at + 2 * (i * nf + f) + 1] = end;
        pos = end + 1;
      }
    }
  }
}

function scanPart(
  bufs: Buffer[],
  fieldsAt: number,
  nf: number,
  n: number,
  timeIdx: number,
  packedIdx: number,
  width: number,
  ttlUs: number | null,
  nowUs: number,
  nums: Int32Array,
  base: number,
  tailAt: number,
): BytePart {
  const packed: (Uint8Array | null)[] = new Array(n);
  const ranges = base + 2 * n;
  const secs: number[] = new Array(n);
  const micros: number[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const b = bufs[i];
    const tAt = fieldsAt + 2 * (i * nf + timeIdx);
    const pAt = fieldsAt + 2 * (i * nf + packedIdx);
    const tFrom = nums[tAt];
    const tTo = nums[tAt + 1];
    const pFrom = nums[pAt];
    const pTo = nums[pAt + 1];
    const sec = tFrom === tTo || pFrom === pTo ? NaN : clockAt(b, tFrom, tTo, micros, i);
    // An absent entity, or a stored clock or packed value that is not valid, reads as NOT_FOUND.
    if (Number.isNaN(sec) || !isPackedArray(b, pFrom, pTo)) {
      packed[i] = null;
      nums[base + 2 * i] = 0;
      nums[base + 2 * i + 1] = 0;
      secs[i] = NaN;
      micros[i] = 0;
    } else {
      packed[i] = b;
      nums[base + 2 * i] = scanPacked(b, pFrom, pTo, nums, ranges + 2 * i * width, width);
      secs[i] = sec;
      nums[base + 2 * i + 1] = ttlUs !== null && sec * 1e6 + micros[i] < nowUs - ttlUs ? 1 : 0;
    }
  }
  // The tail every column without nulls or short rows shares, written once as bytes.
  tailRoom(tailAt, TAIL_FIXED + n * TAIL_ROW_MAX);
  const t = tailBytes;
  let at = put(TAIL_STATUSES, t, tailAt);
  for (let i = 0; i < n; i++) {
    if (i > 0) t[at++] = 44;
    at = put(packed[i] === null ? B_NOT_FOUND : nums[base + 2 * i + 1] === 1 ? B_OUTSIDE_MAX_AGE : B_PRESENT, t, at);
  }
  at = put(TAIL_TIMES, t, at);
  for (let i = 0; i < n; i++) {
    if (i > 0) t[at++] = 44;
    at = packed[i] === null ? put(B_EPOCH, t, at) : writeIsoQuoted(t, at, secs[i], micros[i]);
  }
  t[at++] = 93; // ]
  t[at++] = 125; // }
  return { packed, nums, base, ranges, width, secs, micros, tailFrom: tailAt, tailTo: at };
}

/** Copies `src` into `out` at `at`; returns the new position. A loop beats a native call for small sources. */
function put(src: Uint8Array, out: Buffer, at: number): number {
  const len = src.length;
  if (len > 64) {
    out.set(src, at);
    return at + len;
  }
  for (let k = 0; k < len; k++) out[at + k] = src[k];
  return at + len;
}

/** Copies src[from, to) into `out` at `at`; returns the new position. */
function putRange(src: Buffer, from: number, to: number, out: Buffer, at: number): number {
  const len = to - from;
  if (len > 64) {
    src.copy(out, at, from, to);
    return at + len;
  }
  for (let k = 0; k < len; k++) out[at + k] = src[from + k];
  return at + len;
}

const VALUES_OPEN = Buffer.from('{"values":[', "latin1");

/**
 * buildResponse's twin that writes the UTF-8 JSON directly (same statuses, same order, same shape):
 * each column's values are copied byte for byte out of the packed fields, and the statuses and
 * timestamps of a view's columns, the same for every column without nulls, are encoded once.
 * A first pass sizes every column so the answer is one exact allocation.
 */
export function buildResponseJson(
  r: OnlineRead,
  alloc: (size: number) => Buffer,
  /** More `metadata` members as JSON (`"staleness":{…}`), or "". */
  extraMetadata = "",
): Buffer {
  const { plan, req, n, chunks, nowUs } = r;
  const keys = Object.keys(r.keyTexts);
  let names = "";
  for (const k of keys) names += `${JSON.stringify(k)},`;
  names = plan.columnNamesJson === "" ? names.slice(0, -1) : names + plan.columnNamesJson;
  // Feast's key order: results, then metadata.
  let text = `{"results":[`;
  const ending = `],"metadata":{"feature_names":[${names}]${extraMetadata ? `,${extraMetadata}` : ""}}}`;
  // Join keys first, echoed typed by their dtype (an int64 sent as digits comes back a number).
  const keyTail = `],"statuses":[${repeatJoined(Q_PRESENT, n)}],"event_timestamps":[${repeatJoined(Q_EPOCH, n)}]}`;
  for (let k = 0; k < keys.length; k++) {
    const dtype = plan.joinKeys.get(keys[k])!;
    const texts = r.keyTexts[keys[k]];
    let values: string;
    if (dtype === "int64" || dtype === "int32" || dtype === "float64" || dtype === "float32" || dtype === "bool") values = texts.join(",");
    else {
      const original = req.entities[keys[k]];
      values = texts.map((t, i) => keyEchoJson(dtype, t, original[i])).join(",");
    }
    text += `${k > 0 ? "," : ""}{"values":[${values}${keyTail}`;
  }
  let need = 0;
  for (const g of plan.groups) need += 2 * n * g.fields.length;
  for (const slot of plan.slots) {
    if (slot.rowIdx >= 0) need += partSize(n, slot.rowPos.size);
    if (slot.aggIdx >= 0) need += partSize(n, slot.aggPos.size);
  }
  const nums = scratchOf(need);
  let base = 0;
  // Where each group's fields are: bufs[g][i] holds entity i's, at fieldsAt[g] in nums.
  const bufs: Buffer[][] = [];
  const fieldsAt: number[] = [];
  for (let g = 0; g < plan.groups.length; g++) {
    const nf = plan.groups[g].fields.length;
    const b: Buffer[] = new Array(n);
    locateFields(chunks[g] as Buffer[], n, nf, nums, base, b);
    bufs.push(b);
    fieldsAt.push(base);
    base += 2 * n * nf;
  }
  const rowParts = new Map<ViewSlot, BytePart>();
  const aggParts = new Map<ViewSlot, BytePart>();
  let tailAt = 0;
  for (const slot of plan.slots) {
    const g = slot.group;
    const nf = plan.groups[g].fields.length;
    if (slot.rowIdx >= 0) {
      const part = scanPart(bufs[g], fieldsAt[g], nf, n, slot.tsIdx, slot.rowIdx, slot.rowPos.size, slot.ttlUs, nowUs, nums, base, tailAt);
      rowParts.set(slot, part);
      base += partSize(n, slot.rowPos.size);
      tailAt = part.tailTo;
    }
    if (slot.aggIdx >= 0) {
      const part = scanPart(bufs[g], fieldsAt[g], nf, n, slot.asofIdx, slot.aggIdx, slot.aggPos.size, null, nowUs, nums, base, tailAt);
      aggParts.set(slot, part);
      base += partSize(n, slot.aggPos.size);
      tailAt = part.tailTo;
    }
  }
  // Pass 1: each column's part, value bytes, and tail (a view's shared one unless it has nulls).
  const cols = plan.columns;
  const colParts: BytePart[] = new Array(cols.length);
  // Each column's tail: bytes [tailFrom[c], tailTo[c]) of tailBytes.
  const tailFrom: number[] = new Array(cols.length);
  const tailTo: number[] = new Array(cols.length);
  let size = Buffer.byteLength(text) + Buffer.byteLength(ending);
  for (let c = 0; c < cols.length; c++) {
    const col = cols[c];
    const part = (col.isAggregation ? aggParts : rowParts).get(col.slot)!;
    colParts[c] = part;
    const { packed, base: pb, ranges, width } = part;
    const pos = col.pos;
    let bytes = n - 1; // commas
    let irregular = false; // a null value or a short row: statuses differ from the view's
    for (let i = 0; i < n; i++) {
      const p = packed[i];
      if (p === null) bytes += 4;
      else if (nums[pb + 2 * i] <= pos) {
        bytes += 4;
        irregular = true;
      } else if (nums[pb + 2 * i + 1] === 1) bytes += 4;
      else {
        const r = ranges + 2 * (i * width + pos);
        bytes += nums[r + 1] - nums[r];
        if (isNullAt(p, nums[r], nums[r + 1])) irregular = true;
      }
    }
    tailFrom[c] = part.tailFrom;
    tailTo[c] = part.tailTo;
    if (irregular) {
      // This column's own statuses and times, after the tails written so far.
      tailRoom(tailAt, TAIL_FIXED + n * TAIL_ROW_MAX);
      const t = tailBytes;
      let at = put(TAIL_STATUSES, t, tailAt);
      for (let i = 0; i < n; i++) {
        if (i > 0) t[at++] = 44;
        const p = packed[i];
        let status: Uint8Array;
        if (p === null || nums[pb + 2 * i] <= pos) status = B_NOT_FOUND;
        else if (nums[pb + 2 * i + 1] === 1) status = B_OUTSIDE_MAX_AGE;
        else {
          const r = ranges + 2 * (i * width + pos);
          status = isNullAt(p, nums[r], nums[r + 1]) ? B_NULL_VALUE : B_PRESENT;
        }
        at = put(status, t, at);
      }
      at = put(TAIL_TIMES, t, at);
      for (let i = 0; i < n; i++) {
        if (i > 0) t[at++] = 44;
        at = packed[i] === null || nums[pb + 2 * i] <= pos ? put(B_EPOCH, t, at) : writeIsoQuoted(t, at, part.secs[i], part.micros[i]);
      }
      t[at++] = 93; // ]
      t[at++] = 125; // }
      tailFrom[c] = tailAt;
      tailTo[c] = at;
      tailAt = at;
    }
    size += (keys.length + c > 0 ? 1 : 0) + VALUES_OPEN.length + bytes + (tailTo[c] - tailFrom[c]);
  }
  // Pass 2: write.
  const out = alloc(size);
  let at = out.write(text, 0, "utf8");
  for (let c = 0; c < cols.length; c++) {
    if (keys.length + c > 0) out[at++] = 44; // ,
    at = put(VALUES_OPEN, out, at);
    const { packed, base: pb, ranges, width } = colParts[c];
    const pos = cols[c].pos;
    for (let i = 0; i < n; i++) {
      if (i > 0) out[at++] = 44;
      const p = packed[i];
      if (p === null || nums[pb + 2 * i + 1] === 1 || nums[pb + 2 * i] <= pos) {
        out[at++] = 110; // null
        out[at++] = 117;
        out[at++] = 108;
        out[at++] = 108;
      } else {
        const r = ranges + 2 * (i * width + pos);
        const e = nums[r + 1];
        for (let k = nums[r]; k < e; k++) out[at++] = p[k];
      }
    }
    at = putRange(tailBytes, tailFrom[c], tailTo[c], out, at);
  }
  at += out.write(ending, at, "utf8");
  if (at !== size) throw new Error(`online response sized ${size} bytes but wrote ${at}`);
  return out;
}
