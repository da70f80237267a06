// Next's request proxy: hands the console pages the path (with query) that was asked for, so a page
// that needs a sign-in sends the user to /login?next=<that path> and back there afterwards
// (lib/auth/current-principal.ts). Nothing else happens here.
import { NextResponse, type NextRequest } from "next/server";
import { REQUESTED_PATH_HEADER } from "./lib/auth/next-path";

export function proxy(request: NextRequest) {
  const headers = new Headers(request.headers);
  headers.set(REQUESTED_PATH_HEADER, `${request.nextUrl.pathname}${request.nextUrl.search}`);
  return NextResponse.next({ request: { headers } });
}

export const config = { matcher: ["/projects/:path*", "/search"] };
