import { describe, expect, it } from "vitest";
import { entityKey, featureField } from "./keys";

describe("online keys", () => {
  it("sorts join keys by name and URI-encodes values", () => {
    expect(entityKey("retail", { store_id: 7, customer_id: "a/b c" })).toBe("larder:ol:retail:customer_id=a%2Fb%20c,store_id=7");
    expect(featureField("spend", 2, "amount_sum_7d")).toBe("spend@v2:amount_sum_7d");
  });
});
