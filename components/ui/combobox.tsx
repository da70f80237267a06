"use client";
// A button that opens a filterable list (Radix Popover + cmdk): type to narrow, arrows and Enter to
// pick. Lists it filters itself, or, with `onSearch`, a list the caller fetches per typed text.
import { Command } from "cmdk";
import { Popover } from "radix-ui";
import { Check, ChevronsUpDown } from "lucide-react";
import { clsx } from "clsx";
import { useState, type ReactNode } from "react";

export interface ComboOption {
  value: string;
  label?: string;
  hint?: ReactNode;
}

export function Combobox({
  id,
  label,
  value,
  options,
  onChange,
  placeholder = "Any",
  searchPlaceholder = "Filter…",
  emptyText = "Nothing matches.",
  anyLabel,
  onSearch,
  loading,
  className,
  trigger,
  footer,
}: {
  id?: string;
  /** Accessible name of the trigger and the list. */
  label: string;
  value: string;
  options: ComboOption[];
  onChange: (value: string) => void;
  placeholder?: string;
  searchPlaceholder?: string;
  emptyText?: string;
  /** An option that clears the value (e.g. "Any view"). */
  anyLabel?: string;
  /** The caller filters (e.g. on the server) as the text changes. */
  onSearch?: (text: string) => void;
  loading?: boolean;
  className?: string;
  /** Content of the trigger button (default: the value or the placeholder). */
  trigger?: ReactNode;
  footer?: ReactNode;
}) {
  const [open, setOpen] = useState(false);
  const [text, setText] = useState("");
  const pick = (v: string) => {
    onChange(v);
    setOpen(false);
    setText("");
    onSearch?.("");
  };
  const current = options.find((o) => o.value === value);
  return (
    <Popover.Root open={open} onOpenChange={setOpen}>
      <Popover.Trigger
        id={id}
        aria-label={label}
        className={clsx(
          "inline-flex h-9 w-full items-center justify-between gap-2 rounded-md border border-line-strong bg-surface px-2.5 text-left text-sm",
          className,
        )}
      >
        {trigger ?? <span className={clsx("truncate", !value && "text-fg-subtle")}>{value ? (current?.label ?? value) : placeholder}</span>}
        <ChevronsUpDown aria-hidden className="size-3.5 shrink-0 text-fg-muted" />
      </Popover.Trigger>
      <Popover.Portal>
        <Popover.Content align="start" sideOffset={4} className="z-50 w-[min(22rem,calc(100vw-1rem))] rounded-md border border-line bg-surface shadow-lg">
          <Command label={label} shouldFilter={!onSearch}>
            <Command.Input
              value={text}
              onValueChange={(t) => {
                setText(t);
                onSearch?.(t);
              }}
              placeholder={searchPlaceholder}
              className="h-9 w-full border-b border-line bg-transparent px-3 text-sm outline-none placeholder:text-fg-subtle"
            />
            <Command.List className="max-h-72 overflow-y-auto p-1">
              {loading ? <Command.Loading>Loading…</Command.Loading> : null}
              <Command.Empty className="px-2 py-3 text-sm text-fg-muted">{emptyText}</Command.Empty>
              {anyLabel && !text ? <Item value="" label={anyLabel} selected={!value} onSelect={() => pick("")} /> : null}
              {options.map((o) => (
                <Item key={o.value} value={o.value} label={o.label ?? o.value} hint={o.hint} selected={o.value === value} onSelect={() => pick(o.value)} />
              ))}
            </Command.List>
            {footer ? <div className="border-t border-line p-1">{footer}</div> : null}
          </Command>
        </Popover.Content>
      </Popover.Portal>
    </Popover.Root>
  );
}

function Item({ value, label, hint, selected, onSelect }: { value: string; label: string; hint?: ReactNode; selected: boolean; onSelect: () => void }) {
  return (
    <Command.Item
      value={value || "\u0000any"}
      keywords={[label]}
      onSelect={onSelect}
      className="flex cursor-pointer items-center gap-2 rounded px-2 py-1.5 text-sm data-[selected=true]:bg-surface-2"
    >
      <Check aria-hidden className={clsx("size-3.5 shrink-0", !selected && "invisible")} />
      <span className="flex-1 truncate">{label}</span>
      {hint ? <span className="shrink-0 text-xs text-fg-subtle">{hint}</span> : null}
    </Command.Item>
  );
}
