"use client";
// A value that exists only in the browser (window.location, the <html> class), read without an
// effect: the server render and hydration use `serverValue`, the client then reads `get()`.
import { useSyncExternalStore } from "react";

const noSubscription = () => () => {};

export function useClientValue<T>(get: () => T, serverValue: T): T {
  return useSyncExternalStore(noSubscription, get, () => serverValue);
}
