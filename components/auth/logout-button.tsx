"use client";
// Ends the console session (the API clears the cookie) and returns to the login page.
import { useRouter } from "next/navigation";
import { useState } from "react";
import { apiFetch } from "@/lib/console/api-client";
import { Button, type ButtonProps } from "@/components/ui/button";

export function LogoutButton({ children = "Sign out", variant = "ghost", size = "sm", ...rest }: Omit<ButtonProps, "onClick">) {
  const router = useRouter();
  const [pending, setPending] = useState(false);
  async function onClick() {
    setPending(true);
    try {
      await apiFetch("/api/v1/auth/logout", { method: "POST" });
    } catch {
      // Already signed out (401) or offline: the login page is the right place either way.
    }
    router.replace("/login");
    router.refresh();
  }
  return (
    <Button variant={variant} size={size} onClick={onClick} disabled={pending || rest.disabled} {...rest}>
      {children}
    </Button>
  );
}
