// Next calls register() once when a server process starts (next start, next dev), before it serves
// anything. The web server checks its environment there, as the worker and the feature server do
// at their start (a production without its own SESSION_SECRET exits), and stamps every request with
// its socket's address, which route handlers cannot see otherwise (docs/security.md). Online reads
// with a bearer token are answered before Next's request machinery (lib/api/online-fast-path.ts,
// docs/architecture.md); installed first, so the peer stamp (outermost) still sees every request.
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { exitUnlessReadyToServe } = await import("./lib/config/env");
  exitUnlessReadyToServe("web");
  const { installOnlineFastPath } = await import("./lib/api/online-fast-path");
  installOnlineFastPath();
  const { installPeerStamp } = await import("./lib/api/peer-stamp");
  installPeerStamp();
}
