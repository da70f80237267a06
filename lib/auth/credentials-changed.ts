// After a token is revoked, a membership or restricted grant changes, or a user is disabled: tell
// the feature servers' credential caches (lib/online/registry-cache.ts) to drop what they hold.
// Best effort: the database change has committed and caches also expire on their own in 30 s, so a
// Redis hiccup here must not turn a successful revoke into an error.
import { bumpAuthGeneration } from "../online/registry-generation";

export async function credentialsChanged(): Promise<void> {
  try {
    await bumpAuthGeneration();
  } catch (e) {
    console.warn(`[larder] could not invalidate credential caches (they expire within 30 s): ${(e as Error).message}`);
  }
}
