// The value spellings every path shares (exact JSON, float text, microsecond times), checked
// against JSON.parse, against DuckDB's own CAST(x AS VARCHAR) on generated edge values, and
// against Date where Date can answer.
import { describe, expect, it } from "vitest";
import { withDuckConnection } from "../duckdb/instance";
import { parseJsonExact, writeJson } from "./exact-json";
import { float32Text, float64Text, intText } from "./json-numbers";
import { seededRandom } from "../../test/support/oracle";
import { civilFromDays, daysFromCivil, isoFromUs, MAX_TIME_US, MIN_TIME_US, parseEpochUs, parseIsoUs, secondsTextFromUs } from "./time-us";

/** Doubles at the edges: powers of ten around the notation switches, subnormals, integers past 2^53, random bit patterns. */
function edgeDoubles(n: number, seed: number): number[] {
  const r = seededRandom(seed);
  const out = [0, -0, 1, -1, 42, 0.1, 0.5, 1e-4, 9.999e-5, 1e-5, 1e15, 9999999999999998, 1e16, 1e21, 1e22, 5e-324, 2.2250738585072014e-308, 1.7976931348623157e308, 2 ** 53, 2 ** 53 + 2, 123456.789, 1 / 3];
  for (let e = -30; e <= 30; e++) out.push(10 ** e, 1.5 * 10 ** e, -(10 ** e));
  const buf = new DataView(new ArrayBuffer(8));
  while (out.length < n) {
    buf.setUint32(0, Math.floor(r() * 2 ** 32));
    buf.setUint32(4, Math.floor(r() * 2 ** 32));
    const x = buf.getFloat64(0);
    if (Number.isFinite(x)) out.push(x);
    out.push(Math.round((r() - 0.5) * 10 ** Math.floor(r() * 18)) / 10 ** Math.floor(r() * 6));
  }
  return out;
}

function edgeFloats(n: number, seed: number): number[] {
  const r = seededRandom(seed);
  const out = [0, -0, 0.1, 42, 16777216, 16777217, 3.4028234663852886e38, 1.401298464324817e-45, 1.1754943508222875e-38, 123456.789, 1e-4, 1e16];
  const buf = new DataView(new ArrayBuffer(4));
  while (out.length < n) {
    buf.setUint32(0, Math.floor(r() * 2 ** 32));
    const x = buf.getFloat32(0);
    if (Number.isFinite(x)) out.push(x);
  }
  return out;
}

async function duckText(values: number[], type: "DOUBLE" | "FLOAT"): Promise<string[]> {
  return withDuckConnection(async (c) => {
    // Bit-exact input: each value as the text JS prints (round-trips), cast by DuckDB; a FLOAT is
    // written widened to DOUBLE (DuckDB's FLOAT::VARCHAR is not always the shortest float32 text).
    const rows = (await c.runAndReadAll(`SELECT CAST(CAST(CAST(v AS DOUBLE) AS ${type}) AS DOUBLE)::VARCHAR AS t FROM unnest([${values.map((v) => `'${Object.is(v, -0) ? "-0.0" : String(v)}'`).join(",")}]) AS u(v)`)).getRowObjects();
    return rows.map((o) => String(o.t));
  });
}

describe("float text = DuckDB's CAST(x AS VARCHAR)", () => {
  it("float64 on edge and random doubles", async () => {
    const xs = edgeDoubles(3000, 1);
    const duck = await duckText(xs, "DOUBLE");
    const mismatches = xs.map((x, i) => [x, float64Text(x), duck[i]]).filter(([, a, b]) => a !== b);
    expect(mismatches.slice(0, 10)).toEqual([]);
    for (const x of xs) expect(Number(float64Text(x))).toBe(x);
  });

  it("float32 on edge and random floats (the stored float32's exact value, in float64 notation)", async () => {
    const xs = edgeFloats(3000, 2);
    const duck = await duckText(xs, "FLOAT");
    const mismatches = xs.map((x, i) => [x, float32Text(x), duck[i]]).filter(([, a, b]) => a !== b);
    expect(mismatches.slice(0, 10)).toEqual([]);
    for (const x of xs) expect(Number(float32Text(x))).toBe(Math.fround(x));
  });

  it("keeps float form for whole numbers", () => {
    expect([42, 1, -3, 1e15, 0, -0].map(float64Text)).toEqual(["42.0", "1.0", "-3.0", "1000000000000000.0", "0.0", "-0.0"]);
    expect([float32Text(0.1), float32Text(42), float32Text(16777217), float64Text(1e16), float64Text(1.5e-7)]).toEqual(["0.10000000149011612", "42.0", "16777216.0", "1e+16", "1.5e-07"]);
  });
});

describe("exact JSON", () => {
  it("keeps integers beyond 2^53 as BigInt and everything else as JSON.parse does", () => {
    const text = '{"a":9007199254740993,"b":[9223372036854775807,-9223372036854775808,1.5,42.0,1e400,"x\\"y\\u00e9",null,true],"c":{"__proto__":1},"d":12345678901234567.5}';
    const v = parseJsonExact(text) as Record<string, unknown>;
    expect(v.a).toBe(9007199254740993n);
    expect(v.b).toEqual([9223372036854775807n, -9223372036854775808n, 1.5, 42, Infinity, 'x"yé', null, true]);
    expect(Object.getPrototypeOf(v.c)).toBe(Object.prototype);
    expect(Object.keys(v.c as object)).toEqual(["__proto__"]);
    expect(v.d).toBe(12345678901234567.5);
    expect(writeJson(v.b)).toBe('[9223372036854775807,-9223372036854775808,1.5,42,null,"x\\"yé",null,true]');
    const safe = '{"x":[1,2,{"y":"z"}],"n":9007199254740991}';
    expect(parseJsonExact(safe)).toEqual(JSON.parse(safe));
  });

  it("refuses what JSON.parse refuses, with a position", () => {
    for (const bad of ['{"a":12345678901234567,}', '[12345678901234567', '{"a" 12345678901234567}', "[01234567890123456]", '["12345678901234567\n"]', "[1234567890123456] x", "{'a':1234567890123456}"]) {
      expect(() => JSON.parse(bad), bad).toThrow(SyntaxError);
      expect(() => parseJsonExact(bad), bad).toThrow(SyntaxError);
    }
    expect(() => parseJsonExact("[".repeat(600) + "1234567890123456" + "]".repeat(600))).toThrow(/deeper/);
  });

  it("canonicalises integer text by dtype range", () => {
    expect(intText("007", "int64")).toBe("7");
    expect(intText(9223372036854775807n, "int64")).toBe("9223372036854775807");
    expect(intText("9223372036854775808", "int64")).toBeNull();
    expect(intText(2147483648, "int32")).toBeNull();
    expect(intText(1.5, "int64")).toBeNull();
    expect(intText(2 ** 53, "int64")).toBeNull(); // not exact: the sender's digits are gone
  });
});

describe("microsecond times", () => {
  it("parses ISO 8601 with offsets, fractions and the range edges", () => {
    const us = (s: string) => {
      const r = parseIsoUs(s);
      if ("error" in r) throw new Error(`${s}: ${r.error}`);
      return r.us;
    };
    expect(us("2024-01-02T03:04:05.557058Z")).toBe(1704164645557058n);
    expect(us("2024-01-02 03:04:05.557058")).toBe(1704164645557058n);
    expect(us("2024-01-02T05:04:05.557058+02:00")).toBe(1704164645557058n);
    expect(us("2024-03-10T01:59:59.999999-05:00")).toBe(us("2024-03-10T06:59:59.999999Z")); // US DST switch day, EST
    expect(us("2024-03-10T03:00:00-04:00")).toBe(us("2024-03-10T07:00:00Z")); // EDT after it
    expect(us("2024-01-02")).toBe(1704153600000000n);
    expect(us("2024-01-02T03:04:05.123456000Z")).toBe(1704164645123456n);
    expect(us("0001-01-01T00:00:00Z")).toBe(MIN_TIME_US);
    expect(us("9999-12-31T23:59:59.999999Z")).toBe(MAX_TIME_US);
    for (const bad of ["2024-02-30T00:00:00Z", "2024-01-02T24:00:00Z", "2024-01-02T03:04:05.1234567Z", "0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00", "yesterday", "1e20"]) {
      expect("error" in parseIsoUs(bad), bad).toBe(true);
    }
  });

  it("parses epoch numbers in their unit, refusing finer than a microsecond and beyond the range", () => {
    expect(parseEpochUs(1704164645557.058, "ms")).toEqual({ us: 1704164645557058n });
    expect(parseEpochUs(1704164645, "s")).toEqual({ us: 1704164645000000n });
    expect(parseEpochUs(1704164645.557058, "s")).toEqual({ us: 1704164645557058n });
    expect(parseEpochUs(-1.5, "s")).toEqual({ us: -1500000n });
    expect(parseEpochUs(253402300799999, "ms")).toEqual({ us: 253402300799999000n });
    for (const bad of [1e20, 1e300, Infinity, 1.0000001, 100000000000000000000n]) expect("error" in parseEpochUs(bad, "ms"), String(bad)).toBe(true);
  });

  it("prints ISO with Feast's adaptive fraction, equal to Date where Date can answer", () => {
    expect(isoFromUs(1704164645557058n)).toBe("2024-01-02T03:04:05.557058Z");
    expect(isoFromUs(1704164645557000n)).toBe("2024-01-02T03:04:05.557Z");
    expect(isoFromUs(1704164645000000n)).toBe("2024-01-02T03:04:05Z");
    expect(isoFromUs(MIN_TIME_US)).toBe("0001-01-01T00:00:00Z");
    expect(isoFromUs(MAX_TIME_US)).toBe("9999-12-31T23:59:59.999999Z");
    expect(isoFromUs(-1n)).toBe("1969-12-31T23:59:59.999999Z");
    const r = seededRandom(3);
    for (let i = 0; i < 20000; i++) {
      const ms = Math.floor(-62135596800000 + r() * (253402300799999 + 62135596800000));
      const expected = new Date(ms).toISOString().replace(".000Z", "Z");
      expect(isoFromUs(BigInt(ms) * 1000n)).toBe(expected);
      const back = parseIsoUs(isoFromUs(BigInt(ms) * 1000n + 7n));
      expect(back).toEqual({ us: BigInt(ms) * 1000n + 7n });
    }
  });

  it("civil dates round-trip", () => {
    for (let d = -719162; d < 2932897; d += 997) {
      const c = civilFromDays(d);
      expect(daysFromCivil(c.y, c.m, c.d)).toBe(d);
    }
  });

  it("writes epoch seconds with the fraction only when there is one", () => {
    expect(secondsTextFromUs(1704164645000000n)).toBe("1704164645");
    expect(secondsTextFromUs(1704164645557058n)).toBe("1704164645.557058");
    expect(secondsTextFromUs(1704164645500000n)).toBe("1704164645.5");
    expect(secondsTextFromUs(-1500000n)).toBe("-1.5");
  });
});
