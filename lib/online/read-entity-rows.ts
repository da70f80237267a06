// Reads many entity hashes in ONE pipelined round trip (HMGET per key). The online-features API
// builds keys with lib/online/keys.ts and decodes the JSON values it gets back.
import type { Redis } from "ioredis";

export interface EntityRead {
  key: string;
  fields: string[];
}

/** For each request, the raw field values in request order (null = field absent). */
export async function readEntityRows(redis: Redis, reads: EntityRead[]): Promise<(string | null)[][]> {
  if (!reads.length) return [];
  const p = redis.pipeline();
  for (const r of reads) p.hmget(r.key, ...r.fields);
  const results = (await p.exec()) ?? [];
  return results.map(([err, value], i) => {
    if (err) throw err;
    return (value as (string | null)[]) ?? reads[i].fields.map(() => null);
  });
}
