"use client";
// Asks before an action that changes or stops something: says exactly what will happen, and the
// action runs only on the explicit confirm button (Escape, the overlay and "Keep" change nothing).
import { useState, type ReactNode } from "react";
import { Button, type ButtonVariant } from "./button";
import { Dialog } from "./dialog";
import { ErrorState } from "./error-state";

export function ConfirmDialog({
  trigger,
  title,
  children,
  confirmLabel,
  dismissLabel = "Keep as it is",
  variant = "primary",
  onConfirm,
  pending,
  error,
}: {
  trigger: ReactNode;
  title: string;
  /** What the action will do, in full. */
  children: ReactNode;
  confirmLabel: string;
  dismissLabel?: string;
  variant?: ButtonVariant;
  /** Runs the action; the dialog closes when it resolves and stays open (showing `error`) when it throws. */
  onConfirm: () => Promise<unknown>;
  pending?: boolean;
  error?: unknown;
}) {
  const [open, setOpen] = useState(false);
  return (
    <Dialog open={open} onOpenChange={setOpen} title={title} trigger={trigger}>
      <div className="space-y-3 text-sm">{children}</div>
      {error ? <ErrorState compact error={error} /> : null}
      <div className="mt-5 flex flex-wrap justify-end gap-2">
        <Button onClick={() => setOpen(false)}>{dismissLabel}</Button>
        <Button
          variant={variant}
          disabled={pending}
          onClick={async () => {
            try {
              await onConfirm();
              setOpen(false);
            } catch {
              // The caller's mutation shows its error in the dialog.
            }
          }}
        >
          {confirmLabel}
        </Button>
      </div>
    </Dialog>
  );
}
