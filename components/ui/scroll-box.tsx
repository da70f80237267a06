"use client";
import { clsx } from "clsx";
import type { FocusEvent, ReactNode } from "react";

/**
 * A box that scrolls sideways inside the page (a wide table on a phone) instead of the page
 * scrolling. Tabbing to something cut off by its edge scrolls it fully into view (Chromium leaves a
 * half-visible element where it is), and app/globals.css draws focus rings inside the element
 * here ([data-scroll-box]) so the box cannot clip them. `relative`: an absolutely positioned
 * descendant (an sr-only header) would otherwise be placed against the page and widen it.
 */
export function ScrollBox({ children, className }: { children: ReactNode; className?: string }) {
  const onFocus = (e: FocusEvent<HTMLDivElement>) => {
    if (e.target !== e.currentTarget) e.target.scrollIntoView({ block: "nearest", inline: "nearest" });
  };
  return (
    <div data-scroll-box className={clsx("relative overflow-x-auto", className)} onFocus={onFocus}>
      {children}
    </div>
  );
}
