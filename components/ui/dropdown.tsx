"use client";
import { DropdownMenu as M } from "radix-ui";
import { clsx } from "clsx";
import type { ReactNode } from "react";

export const DropdownRoot = M.Root;
export const DropdownTrigger = M.Trigger;

export function DropdownContent({ children, align = "end" }: { children: ReactNode; align?: "start" | "end" }) {
  return (
    <M.Portal>
      <M.Content align={align} sideOffset={6} className="z-50 min-w-48 rounded-md border border-line bg-surface p-1 text-sm shadow-lg">
        {children}
      </M.Content>
    </M.Portal>
  );
}

export function DropdownItem({ children, onSelect, className, asChild }: { children: ReactNode; onSelect?: () => void; className?: string; asChild?: boolean }) {
  return (
    <M.Item
      asChild={asChild}
      onSelect={onSelect}
      className={clsx("flex cursor-pointer items-center gap-2 rounded px-2 py-1.5 outline-none data-[highlighted]:bg-surface-2", className)}
    >
      {children}
    </M.Item>
  );
}

export function DropdownLabel({ children }: { children: ReactNode }) {
  return <M.Label className="px-2 py-1.5 text-xs text-fg-muted">{children}</M.Label>;
}

export function DropdownSeparator() {
  return <M.Separator className="my-1 h-px bg-line" />;
}
