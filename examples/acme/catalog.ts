// The "acme" demo catalog: four teams' feature stores (payments, growth, logistics, search ranking)
// with realistic names, owners, tags and descriptions, so search, facets, lineage and monitoring have
// something to show. `build.ts` writes one feature repo (YAML) per project from this spec;
// `generate-data.ts` writes each source's rows with DuckDB. Column values are SQL over the row
// number `i` (deterministic: `hash(i, 'salt')`).
// Over ~400 lines on purpose: it is data (40 views' definitions), read top to bottom like the YAML it becomes.

export type Dtype = "int32" | "int64" | "float32" | "float64" | "string" | "bool" | "timestamp" | "list<float32>";

export interface SourceColumn {
  name: string;
  dtype: Dtype;
  /** DuckDB SQL over the row number `i`. */
  sql: string;
}

export interface AcmeSource {
  name: string;
  description: string;
  owner: string;
  rows: number;
  columns: SourceColumn[];
  /** The file is left out on purpose (the demo's failing view). */
  missing?: boolean;
}

export interface AcmeView {
  name: string;
  description: string;
  owner: string;
  tags: Record<string, string>;
  entities: string[];
  source: string;
  ttl?: string;
  features: [name: string, description: string][];
  aggregations?: { column: string; function: "sum" | "count" | "avg" | "min" | "max" | "stddev" | "last"; windows: string[]; description: string }[];
  schedule?: string;
  freshness?: string;
}

export interface AcmeProject {
  name: string;
  description: string;
  entities: { name: string; description: string; owner: string; keys: [string, Dtype][] }[];
  sources: AcmeSource[];
  views: AcmeView[];
  services: { name: string; description: string; owner: string; features: string[] }[];
  models: { name: string; description: string; owner: string; services: string[] }[];
}

const pick = (salt: string, values: string[]) => `(['${values.join("','")}'])[1 + (hash(i, '${salt}') % ${values.length})::INT]`;
const num = (salt: string, lo: number, hi: number, digits = 2) => `round(${lo} + (hash(i, '${salt}') % 1000000) / 1000000.0 * ${hi - lo}, ${digits})`;
const int = (salt: string, mod: number, offset = 1) => `(${offset} + hash(i, '${salt}') % ${mod})::BIGINT`;
const flag = (salt: string, permille: number) => `(hash(i, '${salt}') % 1000) < ${permille}`;

/** Descriptions of source columns used as features without a view-specific wording. */
const COLUMN_DOCS: Record<string, string> = {
  mcc: "Merchant category code of the latest authorization",
  country: "Country of the latest authorization (ISO 3166-1 alpha-2)",
  is_card_present: "Whether the card was present at the latest authorization",
  amount: "Amount of the latest authorization",
  is_declined: "Whether the latest authorization was declined",
  risk_score: "Processor risk score of the latest authorization (0 = safe, 1 = fraud)",
  ip_risk: "IP reputation risk of the latest authorization",
  chargeback_amount: "Amount of the latest chargeback",
  added_to_cart: "Whether the latest session added to the cart",
  bounced: "Whether the latest session bounced",
  platform: "Platform of the latest session (ios, android, web)",
  page_views: "Pages viewed in the latest session",
  session_seconds: "Length of the latest session in seconds",
  campaign_id: "Campaign of the latest e-mail or attributed order",
  loyalty_tier: "Loyalty tier at the latest order",
  order_value: "Value of the latest order",
  items: "Items in the latest order",
  used_coupon: "Whether the latest order used a coupon",
  weight_kg: "Scanned weight of the parcel in kg",
  is_return: "Whether the parcel is a return",
  status: "Latest tracking status",
  attempt: "Delivery attempt number",
  utilization: "Share of storage used at the latest snapshot",
  rating: "Latest rating (1–5)",
  stops_completed: "Stops completed at the latest ping",
  on_shift: "Whether the courier is on shift",
  delay_minutes: "Delay against the promised time, in minutes (negative = early)",
  position: "Result position at the latest impression",
  query_category: "Category of the latest search query",
  seller_score: "Seller quality score (0–1)",
  in_stock: "Whether the product is in stock",
  category: "Product category",
  price: "Current price",
  clicked: "Whether the latest impression was clicked",
  dwell_seconds: "Dwell time after the latest click, in seconds",
};
const col = (name: string): [string, string] => [name, COLUMN_DOCS[name] ?? name];

const COUNTRIES = ["DE", "FR", "NL", "ES", "IT", "PL", "SE", "US", "GB", "BR"];

export const ACME: AcmeProject[] = [
  {
    name: "payments",
    description: "Card payments: fraud detection, risk scoring and merchant monitoring (risk engineering).",
    entities: [
      { name: "card", description: "A payment card issued to an account holder.", owner: "risk-eng@acme.example", keys: [["card_id", "int64"]] },
      { name: "merchant", description: "A merchant accepting card payments.", owner: "merchant-ops@acme.example", keys: [["merchant_id", "int64"]] },
      { name: "account", description: "A customer account holding one or more cards.", owner: "risk-eng@acme.example", keys: [["account_id", "int64"]] },
    ],
    sources: [
      {
        name: "card_authorizations",
        description: "Every card authorization request with its outcome, from the processor's event stream.",
        owner: "payments-platform@acme.example",
        rows: 60000,
        columns: [
          { name: "card_id", dtype: "int64", sql: int("card", 4000) },
          { name: "merchant_id", dtype: "int64", sql: int("merchant", 600) },
          { name: "account_id", dtype: "int64", sql: int("account", 3000) },
          { name: "amount", dtype: "float64", sql: num("amount", 1, 900) },
          { name: "mcc", dtype: "string", sql: pick("mcc", ["5411", "5812", "5999", "4111", "7995", "5732", "5541"]) },
          { name: "country", dtype: "string", sql: pick("country", COUNTRIES) },
          { name: "is_declined", dtype: "bool", sql: flag("declined", 60) },
          { name: "is_card_present", dtype: "bool", sql: flag("present", 550) },
          { name: "risk_score", dtype: "float32", sql: num("risk", 0, 1, 4) },
          { name: "device_hash", dtype: "string", sql: `md5((hash(i, 'device') % 9000)::VARCHAR)` },
          { name: "ip_risk", dtype: "float64", sql: num("ip", 0, 1, 3) },
        ],
      },
      {
        name: "chargebacks",
        description: "Chargebacks filed by issuers, with reason codes and amounts.",
        owner: "disputes@acme.example",
        rows: 8000,
        columns: [
          { name: "card_id", dtype: "int64", sql: int("card", 4000) },
          { name: "merchant_id", dtype: "int64", sql: int("merchant", 600) },
          { name: "chargeback_amount", dtype: "float64", sql: num("cb", 5, 1200) },
          { name: "reason_code", dtype: "string", sql: pick("reason", ["fraud", "not_received", "duplicate", "defective", "subscription"]) },
          { name: "is_won", dtype: "bool", sql: flag("won", 400) },
        ],
      },
      {
        name: "merchant_settlements",
        description: "Daily settlement batches per merchant from the acquiring bank.",
        owner: "merchant-ops@acme.example",
        rows: 12000,
        columns: [
          { name: "merchant_id", dtype: "int64", sql: int("merchant", 600) },
          { name: "settled_amount", dtype: "float64", sql: num("settled", 100, 80000) },
          { name: "fee_amount", dtype: "float64", sql: num("fee", 1, 900) },
          { name: "transaction_count", dtype: "int64", sql: int("txc", 2000) },
          { name: "refund_count", dtype: "int64", sql: int("refunds", 40, 0) },
        ],
      },
    ],
    views: [
      {
        name: "card_velocity",
        description: "How fast a card is being used: authorization counts and amounts over short windows.",
        owner: "risk-eng@acme.example",
        tags: { team: "risk", tier: "gold", domain: "fraud" },
        entities: ["card"],
        source: "card_authorizations",
        ttl: "7d",
        features: [
          ["amount", "Amount of the latest authorization"],
          ["is_declined", "Whether the latest authorization was declined"],
          col("mcc"),
          col("country"),
          col("is_card_present"),
        ],
        aggregations: [
          { column: "amount", function: "count", windows: ["1h", "1d", "7d"], description: "Authorizations in the window" },
          { column: "amount", function: "sum", windows: ["1h", "1d", "7d"], description: "Authorized amount in the window" },
          { column: "amount", function: "max", windows: ["1h", "1d", "7d"], description: "Largest authorization in the window" },
        ],
        schedule: "*/15 * * * *",
        freshness: "1h",
      },
      {
        name: "card_risk_profile",
        description: "The processor's risk signals of the card's latest authorization.",
        owner: "risk-eng@acme.example",
        tags: { team: "risk", tier: "gold", domain: "fraud" },
        entities: ["card"],
        source: "card_authorizations",
        ttl: "30d",
        features: [
          ["risk_score", "Processor risk score of the latest authorization (0 = safe, 1 = fraud)"],
          ["ip_risk", "IP reputation risk of the latest authorization"],
          ["is_card_present", "Whether the card was physically present"],
          ["country", "Country of the latest authorization (ISO 3166-1 alpha-2)"],
          col("mcc"),
          col("amount"),
        ],
        aggregations: [
          { column: "risk_score", function: "avg", windows: ["1d", "7d", "30d"], description: "Average processor risk score" },
          { column: "risk_score", function: "max", windows: ["1d", "7d", "30d"], description: "Highest processor risk score" },
          { column: "ip_risk", function: "stddev", windows: ["1d", "7d", "30d"], description: "Spread of IP risk across authorizations" },
        ],
        schedule: "0 * * * *",
      },
      {
        name: "card_device_fingerprint",
        description: "Device fingerprints seen with the card. Restricted: device hashes are personal data.",
        owner: "risk-eng@acme.example",
        tags: { team: "risk", pii: "true", restricted: "true", domain: "fraud" },
        entities: ["card"],
        source: "card_authorizations",
        ttl: "30d",
        features: [
          ["device_hash", "Hash of the device of the latest authorization"],
          ["ip_risk", "IP reputation risk of the latest authorization"],
        ],
        aggregations: [{ column: "device_hash", function: "count", windows: ["1d", "7d", "30d"], description: "Authorizations carrying a device hash" }],
      },
      {
        name: "card_geo_spread",
        description: "Where the card is used: latest country and how many authorizations came from abroad.",
        owner: "risk-eng@acme.example",
        tags: { team: "risk", domain: "fraud" },
        entities: ["card"],
        source: "card_authorizations",
        ttl: "7d",
        features: [
          ["country", "Country of the latest authorization"],
          ["is_card_present", "Whether the latest authorization had the card present"],
        ],
        aggregations: [{ column: "amount", function: "count", windows: ["1d", "7d", "30d"], description: "Authorizations in the window (all countries)" }],
      },
      {
        name: "authorization_declines",
        description: "Decline behaviour of a card: latest outcome and declined amounts.",
        owner: "risk-eng@acme.example",
        tags: { team: "risk", domain: "fraud" },
        entities: ["card"],
        source: "card_authorizations",
        ttl: "7d",
        features: [
          ["is_declined", "Whether the latest authorization was declined"],
          ["mcc", "Merchant category code of the latest authorization"],
          col("country"),
          col("is_card_present"),
          col("risk_score"),
        ],
        aggregations: [
          { column: "amount", function: "sum", windows: ["1h", "1d", "7d"], description: "Authorized amount, declined or not, over a day" },
          { column: "risk_score", function: "max", windows: ["1h", "1d", "7d"], description: "Highest risk score over a day" },
        ],
      },
      {
        name: "account_spend",
        description: "Spend across all cards of an account.",
        owner: "credit-risk@acme.example",
        tags: { team: "credit", tier: "silver", domain: "risk" },
        entities: ["account"],
        source: "card_authorizations",
        ttl: "30d",
        features: [
          ["amount", "Amount of the account's latest authorization"],
          col("mcc"),
          col("country"),
          col("is_declined"),
        ],
        aggregations: [
          { column: "amount", function: "sum", windows: ["1d", "7d", "30d"], description: "Spend over the window" },
          { column: "amount", function: "avg", windows: ["7d", "30d", "90d"], description: "Average authorization amount" },
          { column: "amount", function: "count", windows: ["7d", "30d", "90d"], description: "Authorizations over the window" },
        ],
      },
      {
        name: "merchant_chargeback_rate",
        description: "Chargebacks against a merchant and how often it wins them.",
        owner: "disputes@acme.example",
        tags: { team: "disputes", domain: "risk" },
        entities: ["merchant"],
        source: "chargebacks",
        ttl: "90d",
        features: [
          ["reason_code", "Reason code of the latest chargeback"],
          ["is_won", "Whether the merchant won the latest chargeback"],
          col("chargeback_amount"),
        ],
        aggregations: [
          { column: "chargeback_amount", function: "sum", windows: ["1d", "7d", "30d"], description: "Charged-back amount" },
          { column: "chargeback_amount", function: "count", windows: ["7d", "30d", "90d"], description: "Chargebacks" },
        ],
      },
      {
        name: "card_chargeback_history",
        description: "Chargebacks on a card. Restricted: disputes carry customer claims.",
        owner: "disputes@acme.example",
        tags: { team: "disputes", restricted: "true", domain: "risk" },
        entities: ["card"],
        source: "chargebacks",
        ttl: "365d",
        features: [
          ["chargeback_amount", "Amount of the card's latest chargeback"],
          ["reason_code", "Reason code of the card's latest chargeback"],
        ],
        aggregations: [{ column: "chargeback_amount", function: "count", windows: ["7d", "30d", "90d"], description: "Chargebacks on the card" }],
      },
      {
        name: "merchant_volume",
        description: "Settled volume, fees and refunds per merchant.",
        owner: "merchant-ops@acme.example",
        tags: { team: "merchant-ops", tier: "silver", domain: "merchants" },
        entities: ["merchant"],
        source: "merchant_settlements",
        ttl: "30d",
        features: [
          ["settled_amount", "Amount of the latest settlement batch"],
          ["fee_amount", "Fees of the latest settlement batch"],
          ["transaction_count", "Transactions in the latest settlement batch"],
          ["refund_count", "Refunds in the latest settlement batch"],
        ],
        aggregations: [
          { column: "settled_amount", function: "sum", windows: ["1d", "7d", "30d"], description: "Settled volume" },
          { column: "refund_count", function: "sum", windows: ["7d", "30d", "90d"], description: "Refunds" },
        ],
        schedule: "0 4 * * *",
        freshness: "1d",
      },
      {
        name: "merchant_risk_mix",
        description: "Risk signals of the authorizations a merchant receives.",
        owner: "merchant-ops@acme.example",
        tags: { team: "merchant-ops", domain: "merchants" },
        entities: ["merchant"],
        source: "card_authorizations",
        ttl: "30d",
        features: [
          ["mcc", "Merchant category code"],
          ["risk_score", "Risk score of the merchant's latest authorization"],
          col("country"),
          col("ip_risk"),
          col("is_card_present"),
        ],
        aggregations: [
          { column: "risk_score", function: "avg", windows: ["1d", "7d", "30d"], description: "Average risk score of the merchant's authorizations" },
          { column: "amount", function: "count", windows: ["1h", "1d", "7d"], description: "Authorizations per day" },
        ],
      },
    ],
    services: [
      {
        name: "fraud_realtime_v3",
        description: "Features of the real-time card fraud model.",
        owner: "risk-eng@acme.example",
        features: ["card_velocity", "card_risk_profile", "card_geo_spread:country", "authorization_declines:is_declined"],
      },
      {
        name: "merchant_risk_v1",
        description: "Features of the merchant underwriting model.",
        owner: "merchant-ops@acme.example",
        features: ["merchant_chargeback_rate", "merchant_volume", "merchant_risk_mix:risk_score_avg_7d"],
      },
      { name: "credit_limit_v2", description: "Features of the credit limit model.", owner: "credit-risk@acme.example", features: ["account_spend"] },
    ],
    models: [
      { name: "card_fraud_gbm", description: "Gradient-boosted real-time fraud classifier scoring every authorization.", owner: "risk-eng@acme.example", services: ["fraud_realtime_v3"] },
      { name: "merchant_underwriting", description: "Scores merchants at onboarding and monthly.", owner: "merchant-ops@acme.example", services: ["merchant_risk_v1"] },
      { name: "credit_limit_model", description: "Sets credit limits per account.", owner: "credit-risk@acme.example", services: ["credit_limit_v2"] },
    ],
  },
  {
    name: "growth",
    description: "Marketing and lifecycle: engagement, campaigns and churn (growth analytics).",
    entities: [
      { name: "user", description: "A registered user of the app or the web shop.", owner: "growth-analytics@acme.example", keys: [["user_id", "int64"]] },
      { name: "campaign", description: "A marketing campaign (e-mail, push or paid).", owner: "marketing@acme.example", keys: [["campaign_id", "string"]] },
    ],
    sources: [
      {
        name: "web_sessions",
        description: "Sessions of the web shop and the app, sessionized from clickstream.",
        owner: "data-eng@acme.example",
        rows: 50000,
        columns: [
          { name: "user_id", dtype: "int64", sql: int("user", 5000) },
          { name: "session_seconds", dtype: "float64", sql: num("secs", 5, 3600, 0) },
          { name: "page_views", dtype: "int64", sql: int("pv", 40) },
          { name: "platform", dtype: "string", sql: pick("platform", ["ios", "android", "web"]) },
          { name: "added_to_cart", dtype: "bool", sql: flag("cart", 220) },
          { name: "bounced", dtype: "bool", sql: flag("bounce", 300) },
        ],
      },
      {
        name: "email_events",
        description: "E-mail sends, opens and clicks from the e-mail service provider.",
        owner: "marketing@acme.example",
        rows: 30000,
        columns: [
          { name: "user_id", dtype: "int64", sql: int("user", 5000) },
          { name: "campaign_id", dtype: "string", sql: `'cmp_' || (hash(i, 'campaign') % 40)::VARCHAR` },
          { name: "opened", dtype: "bool", sql: flag("open", 350) },
          { name: "clicked", dtype: "bool", sql: flag("click", 80) },
          { name: "unsubscribed", dtype: "bool", sql: flag("unsub", 6) },
        ],
      },
      {
        name: "purchases",
        description: "Orders placed in the shop, one row per order.",
        owner: "commerce-data@acme.example",
        rows: 25000,
        columns: [
          { name: "user_id", dtype: "int64", sql: int("user", 5000) },
          { name: "order_value", dtype: "float64", sql: num("order", 5, 450) },
          { name: "items", dtype: "int64", sql: int("items", 8) },
          { name: "used_coupon", dtype: "bool", sql: flag("coupon", 180) },
          { name: "loyalty_tier", dtype: "string", sql: pick("tier", ["bronze", "silver", "gold", "platinum"]) },
          { name: "campaign_id", dtype: "string", sql: `'cmp_' || (hash(i, 'campaign') % 40)::VARCHAR` },
        ],
      },
    ],
    views: [
      {
        name: "session_engagement",
        description: "How engaged a user is: session length, depth and bounces.",
        owner: "growth-analytics@acme.example",
        tags: { team: "growth", tier: "gold", domain: "engagement" },
        entities: ["user"],
        source: "web_sessions",
        ttl: "30d",
        features: [
          ["session_seconds", "Length of the latest session in seconds"],
          ["page_views", "Pages viewed in the latest session"],
          ["platform", "Platform of the latest session (ios, android, web)"],
          col("added_to_cart"),
          col("bounced"),
        ],
        aggregations: [
          { column: "session_seconds", function: "sum", windows: ["1d", "7d", "30d"], description: "Time spent in sessions" },
          { column: "page_views", function: "avg", windows: ["7d", "30d", "90d"], description: "Average pages per session" },
          { column: "session_seconds", function: "count", windows: ["1d", "7d", "30d"], description: "Sessions" },
        ],
        schedule: "0 * * * *",
      },
      {
        name: "cart_behaviour",
        description: "Cart additions and bounces of a user's sessions.",
        owner: "growth-analytics@acme.example",
        tags: { team: "growth", domain: "engagement" },
        entities: ["user"],
        source: "web_sessions",
        ttl: "14d",
        features: [
          ["added_to_cart", "Whether the latest session added to the cart"],
          ["bounced", "Whether the latest session bounced"],
          col("platform"),
          col("page_views"),
          col("session_seconds"),
        ],
        aggregations: [{ column: "page_views", function: "sum", windows: ["1d", "7d", "30d"], description: "Pages viewed" }],
      },
      {
        name: "email_engagement",
        description: "How a user reacts to e-mail: opens, clicks, unsubscribes.",
        owner: "marketing@acme.example",
        tags: { team: "marketing", domain: "lifecycle" },
        entities: ["user"],
        source: "email_events",
        ttl: "90d",
        features: [
          ["opened", "Whether the latest e-mail was opened"],
          ["clicked", "Whether the latest e-mail was clicked"],
          ["unsubscribed", "Whether the user unsubscribed with the latest e-mail"],
          col("campaign_id"),
        ],
        aggregations: [{ column: "campaign_id", function: "count", windows: ["7d", "30d", "90d"], description: "E-mails received" }],
      },
      {
        name: "campaign_performance",
        description: "Reach and conversion of a campaign.",
        owner: "marketing@acme.example",
        tags: { team: "marketing", domain: "campaigns" },
        entities: ["campaign"],
        source: "email_events",
        ttl: "90d",
        features: [
          ["opened", "Whether the campaign's latest e-mail was opened"],
          ["clicked", "Whether the campaign's latest e-mail was clicked"],
        ],
        aggregations: [
          { column: "user_id", function: "count", windows: ["1d", "7d", "30d"], description: "E-mails sent" },
          { column: "unsubscribed", function: "count", windows: ["1d", "7d", "30d"], description: "Unsubscribe events recorded" },
        ],
      },
      {
        name: "purchase_recency",
        description: "When and how much a user last bought.",
        owner: "commerce-data@acme.example",
        tags: { team: "commerce", tier: "gold", domain: "lifecycle" },
        entities: ["user"],
        source: "purchases",
        ttl: "365d",
        features: [
          ["order_value", "Value of the latest order"],
          ["items", "Items in the latest order"],
          ["used_coupon", "Whether the latest order used a coupon"],
          col("loyalty_tier"),
          col("campaign_id"),
        ],
        aggregations: [
          { column: "order_value", function: "sum", windows: ["7d", "30d", "90d"], description: "Revenue from the user" },
          { column: "order_value", function: "count", windows: ["7d", "30d", "90d"], description: "Orders" },
          { column: "order_value", function: "avg", windows: ["30d", "90d"], description: "Average order value" },
        ],
        schedule: "0 2 * * *",
      },
      {
        name: "loyalty_status",
        description: "A user's loyalty tier. Restricted: used for pricing decisions.",
        owner: "commerce-data@acme.example",
        tags: { team: "commerce", restricted: "true", domain: "pricing" },
        entities: ["user"],
        source: "purchases",
        ttl: "365d",
        features: [["loyalty_tier", "Loyalty tier at the latest order (bronze … platinum)"]],
        aggregations: [{ column: "order_value", function: "max", windows: ["30d", "90d"], description: "Largest order" }],
      },
      {
        name: "churn_signals",
        description: "Signals that a user is drifting away: fewer sessions, no purchases, unsubscribes.",
        owner: "growth-analytics@acme.example",
        tags: { team: "growth", tier: "gold", domain: "lifecycle" },
        entities: ["user"],
        source: "web_sessions",
        ttl: "90d",
        features: [
          ["bounced", "Whether the latest session bounced"],
          col("platform"),
          col("page_views"),
          col("added_to_cart"),
        ],
        aggregations: [
          { column: "session_seconds", function: "count", windows: ["7d", "30d", "90d"], description: "Sessions" },
          { column: "session_seconds", function: "avg", windows: ["7d", "30d", "90d"], description: "Average session length" },
        ],
      },
      {
        name: "coupon_affinity",
        description: "How often a user buys with coupons.",
        owner: "marketing@acme.example",
        tags: { team: "marketing", domain: "campaigns" },
        entities: ["user"],
        source: "purchases",
        ttl: "90d",
        features: [
          ["used_coupon", "Whether the latest order used a coupon"],
          col("order_value"),
          col("items"),
        ],
        aggregations: [{ column: "order_value", function: "count", windows: ["30d", "90d"], description: "Orders" }],
      },
      {
        name: "campaign_revenue",
        description: "Revenue attributed to a campaign.",
        owner: "marketing@acme.example",
        tags: { team: "marketing", domain: "campaigns" },
        entities: ["campaign"],
        source: "purchases",
        ttl: "90d",
        features: [
          ["order_value", "Value of the campaign's latest attributed order"],
          col("items"),
          col("used_coupon"),
        ],
        aggregations: [
          { column: "order_value", function: "sum", windows: ["1d", "7d", "30d"], description: "Attributed revenue" },
          { column: "order_value", function: "count", windows: ["7d", "30d", "90d"], description: "Attributed orders" },
        ],
      },
      {
        name: "platform_mix",
        description: "Which platforms a user shops on.",
        owner: "growth-analytics@acme.example",
        tags: { team: "growth", domain: "engagement" },
        entities: ["user"],
        source: "web_sessions",
        ttl: "30d",
        features: [
          ["platform", "Platform of the latest session"],
          ["session_seconds", "Length of the latest session"],
        ],
        schedule: "0 5 * * *",
        freshness: "1d",
      },
    ],
    services: [
      { name: "churn_v4", description: "Features of the churn model.", owner: "growth-analytics@acme.example", features: ["session_engagement", "churn_signals", "purchase_recency", "email_engagement:unsubscribed"] },
      { name: "campaign_targeting_v2", description: "Features that choose who receives a campaign.", owner: "marketing@acme.example", features: ["email_engagement", "coupon_affinity", "purchase_recency:order_value_avg_90d"] },
      { name: "ltv_v1", description: "Features of the customer lifetime value model.", owner: "commerce-data@acme.example", features: ["purchase_recency", "session_engagement:session_seconds_sum_30d", "platform_mix:platform"] },
    ],
    models: [
      { name: "churn_xgb", description: "Predicts 60-day churn for active users, nightly.", owner: "growth-analytics@acme.example", services: ["churn_v4"] },
      { name: "campaign_uplift", description: "Uplift model ranking users for each campaign.", owner: "marketing@acme.example", services: ["campaign_targeting_v2"] },
      { name: "ltv_regressor", description: "Predicts 12-month customer value.", owner: "commerce-data@acme.example", services: ["ltv_v1"] },
    ],
  },
  {
    name: "logistics",
    description: "Fulfilment: shipments, warehouses and couriers (operations research).",
    entities: [
      { name: "shipment", description: "A parcel shipped to a customer.", owner: "fulfilment-data@acme.example", keys: [["shipment_id", "string"]] },
      { name: "warehouse", description: "A fulfilment centre.", owner: "fulfilment-data@acme.example", keys: [["warehouse_id", "int64"]] },
      { name: "courier", description: "A delivery courier (driver or partner).", owner: "last-mile@acme.example", keys: [["courier_id", "int64"]] },
    ],
    sources: [
      {
        name: "shipment_events",
        description: "Tracking events of every shipment (picked, shipped, out for delivery, delivered).",
        owner: "fulfilment-data@acme.example",
        rows: 40000,
        columns: [
          { name: "shipment_id", dtype: "string", sql: `'shp_' || (hash(i, 'shipment') % 12000)::VARCHAR` },
          { name: "warehouse_id", dtype: "int64", sql: int("wh", 12) },
          { name: "courier_id", dtype: "int64", sql: int("courier", 300) },
          { name: "delay_minutes", dtype: "float64", sql: num("delay", -30, 600, 0) },
          { name: "weight_kg", dtype: "float32", sql: num("weight", 0.1, 30, 2) },
          { name: "status", dtype: "string", sql: pick("status", ["picked", "shipped", "out_for_delivery", "delivered", "failed_attempt"]) },
          { name: "attempt", dtype: "int64", sql: int("attempt", 3) },
          { name: "is_return", dtype: "bool", sql: flag("return", 70) },
        ],
      },
      {
        name: "warehouse_inventory",
        description: "Hourly stock snapshots per fulfilment centre.",
        owner: "fulfilment-data@acme.example",
        rows: 9000,
        columns: [
          { name: "warehouse_id", dtype: "int64", sql: int("wh", 12) },
          { name: "units_on_hand", dtype: "int64", sql: int("units", 90000, 1000) },
          { name: "units_inbound", dtype: "int64", sql: int("inbound", 20000, 0) },
          { name: "utilization", dtype: "float64", sql: num("util", 0.3, 0.99, 3) },
          { name: "temperature_c", dtype: "float64", sql: num("temp", 2, 9, 1) },
        ],
      },
      {
        name: "courier_pings",
        description: "GPS pings and shift status of couriers.",
        owner: "last-mile@acme.example",
        rows: 30000,
        columns: [
          { name: "courier_id", dtype: "int64", sql: int("courier", 300) },
          { name: "stops_completed", dtype: "int64", sql: int("stops", 60, 0) },
          { name: "km_driven", dtype: "float64", sql: num("km", 0, 220, 1) },
          { name: "rating", dtype: "float32", sql: num("rating", 3, 5, 2) },
          { name: "on_shift", dtype: "bool", sql: flag("shift", 700) },
        ],
      },
      {
        name: "cold_chain_sensors",
        description: "Temperature sensors of refrigerated parcels (feed not connected yet: its file is missing).",
        owner: "fulfilment-data@acme.example",
        rows: 100,
        missing: true,
        columns: [
          { name: "shipment_id", dtype: "string", sql: `'shp_' || i::VARCHAR` },
          { name: "max_temperature_c", dtype: "float64", sql: num("tmax", 2, 12, 1) },
        ],
      },
    ],
    views: [
      {
        name: "shipment_delay",
        description: "How late a shipment is running.",
        owner: "fulfilment-data@acme.example",
        tags: { team: "fulfilment", tier: "gold", domain: "delivery" },
        entities: ["shipment"],
        source: "shipment_events",
        ttl: "14d",
        features: [
          ["delay_minutes", "Delay of the latest tracking event against its promise (minutes; negative = early)"],
          ["status", "Latest tracking status"],
          ["attempt", "Delivery attempt number"],
          col("weight_kg"),
          col("is_return"),
        ],
        aggregations: [{ column: "delay_minutes", function: "max", windows: ["1h", "1d", "7d"], description: "Worst delay over a day" }],
        schedule: "*/30 * * * *",
        freshness: "2h",
      },
      {
        name: "parcel_dimensions",
        description: "Weight of a shipment as scanned.",
        owner: "fulfilment-data@acme.example",
        tags: { team: "fulfilment", domain: "delivery" },
        entities: ["shipment"],
        source: "shipment_events",
        ttl: "30d",
        features: [
          ["weight_kg", "Scanned weight in kg"],
          col("status"),
          col("attempt"),
        ],
      },
      {
        name: "warehouse_stock_levels",
        description: "Stock on hand, inbound and utilization of a fulfilment centre.",
        owner: "fulfilment-data@acme.example",
        tags: { team: "fulfilment", tier: "silver", domain: "inventory" },
        entities: ["warehouse"],
        source: "warehouse_inventory",
        ttl: "1d",
        features: [
          ["units_on_hand", "Units in stock at the latest snapshot"],
          ["units_inbound", "Units on inbound trucks at the latest snapshot"],
          ["utilization", "Share of storage used"],
        ],
        aggregations: [
          { column: "utilization", function: "avg", windows: ["1d", "7d", "30d"], description: "Average utilization" },
          { column: "units_on_hand", function: "min", windows: ["1d", "7d", "30d"], description: "Lowest stock" },
          { column: "units_inbound", function: "sum", windows: ["1d", "7d", "30d"], description: "Units received on inbound trucks" },
        ],
        schedule: "0 * * * *",
      },
      {
        name: "warehouse_temperature",
        description: "Temperature of a fulfilment centre's cold storage.",
        owner: "fulfilment-data@acme.example",
        tags: { team: "fulfilment", domain: "inventory" },
        entities: ["warehouse"],
        source: "warehouse_inventory",
        ttl: "1d",
        features: [
          ["temperature_c", "Cold-storage temperature at the latest snapshot"],
          col("utilization"),
        ],
        aggregations: [{ column: "temperature_c", function: "max", windows: ["1h", "1d", "7d"], description: "Warmest reading" }],
      },
      {
        name: "warehouse_throughput",
        description: "Parcels leaving a fulfilment centre.",
        owner: "fulfilment-data@acme.example",
        tags: { team: "fulfilment", domain: "inventory" },
        entities: ["warehouse"],
        source: "shipment_events",
        ttl: "7d",
        features: [["status", "Status of the centre's latest shipment event"]],
        aggregations: [
          { column: "shipment_id", function: "count", windows: ["1h", "1d", "7d"], description: "Shipment events" },
          { column: "delay_minutes", function: "avg", windows: ["1h", "1d", "7d"], description: "Average delay of its shipments" },
        ],
      },
      {
        name: "courier_utilization",
        description: "How busy a courier is during a shift.",
        owner: "last-mile@acme.example",
        tags: { team: "last-mile", tier: "silver", domain: "couriers" },
        entities: ["courier"],
        source: "courier_pings",
        ttl: "1d",
        features: [
          ["stops_completed", "Stops completed at the latest ping"],
          ["km_driven", "Kilometres driven at the latest ping"],
          ["on_shift", "Whether the courier is on shift"],
          col("rating"),
        ],
        aggregations: [{ column: "km_driven", function: "sum", windows: ["1d", "7d", "30d"], description: "Distance driven" }],
        schedule: "*/10 * * * *",
      },
      {
        name: "courier_ratings",
        description: "Customer ratings of a courier.",
        owner: "last-mile@acme.example",
        tags: { team: "last-mile", domain: "couriers" },
        entities: ["courier"],
        source: "courier_pings",
        ttl: "90d",
        features: [
          ["rating", "Latest customer rating (1–5)"],
          col("stops_completed"),
          col("on_shift"),
        ],
        aggregations: [{ column: "rating", function: "avg", windows: ["7d", "30d", "90d"], description: "Average rating" }],
      },
      {
        name: "delivery_attempts",
        description: "Failed attempts and returns per courier.",
        owner: "last-mile@acme.example",
        tags: { team: "last-mile", domain: "delivery" },
        entities: ["courier"],
        source: "shipment_events",
        ttl: "30d",
        features: [
          ["attempt", "Attempt number of the courier's latest delivery"],
          ["is_return", "Whether the latest parcel was a return"],
        ],
        aggregations: [{ column: "attempt", function: "avg", windows: ["1d", "7d", "30d"], description: "Average attempts per delivery" }],
      },
      {
        name: "returns_rate",
        description: "Returns flowing back through a fulfilment centre.",
        owner: "fulfilment-data@acme.example",
        tags: { team: "fulfilment", domain: "delivery" },
        entities: ["warehouse"],
        source: "shipment_events",
        ttl: "30d",
        features: [
          ["is_return", "Whether the centre's latest parcel was a return"],
          col("status"),
          col("delay_minutes"),
        ],
        aggregations: [{ column: "weight_kg", function: "sum", windows: ["1d", "7d", "30d"], description: "Weight handled" }],
        schedule: "0 6 * * *",
        freshness: "1d",
      },
      {
        name: "cold_chain_breaches",
        description: "Temperature excursions of refrigerated parcels.",
        owner: "fulfilment-data@acme.example",
        tags: { team: "fulfilment", domain: "compliance" },
        entities: ["shipment"],
        source: "cold_chain_sensors",
        ttl: "7d",
        features: [["max_temperature_c", "Highest parcel temperature recorded"]],
      },
    ],
    services: [
      { name: "eta_v5", description: "Features of the delivery time estimate.", owner: "fulfilment-data@acme.example", features: ["shipment_delay", "parcel_dimensions", "courier_utilization", "warehouse_throughput:delay_minutes_avg_1d"] },
      { name: "replenishment_v2", description: "Features of the stock replenishment planner.", owner: "fulfilment-data@acme.example", features: ["warehouse_stock_levels", "returns_rate"] },
    ],
    models: [
      { name: "delivery_eta", description: "Predicts the delivery time shown at checkout.", owner: "fulfilment-data@acme.example", services: ["eta_v5"] },
      { name: "replenishment_planner", description: "Plans inbound purchase orders per centre.", owner: "fulfilment-data@acme.example", services: ["replenishment_v2"] },
    ],
  },
  {
    name: "search_ranking",
    description: "Product search and recommendations: popularity, quality and embeddings (search relevance).",
    entities: [
      { name: "product", description: "A product listed in the shop.", owner: "search-relevance@acme.example", keys: [["product_id", "int64"]] },
      { name: "shopper", description: "A signed-in shopper searching the catalogue.", owner: "search-relevance@acme.example", keys: [["shopper_id", "int64"]] },
    ],
    sources: [
      {
        name: "search_clicks",
        description: "Search result impressions and clicks.",
        owner: "search-relevance@acme.example",
        rows: 60000,
        columns: [
          { name: "product_id", dtype: "int64", sql: int("product", 8000) },
          { name: "shopper_id", dtype: "int64", sql: int("shopper", 6000) },
          { name: "position", dtype: "int64", sql: int("pos", 48) },
          { name: "clicked", dtype: "bool", sql: flag("clicked", 90) },
          { name: "query_category", dtype: "string", sql: pick("qcat", ["shoes", "electronics", "kitchen", "toys", "garden", "books", "beauty"]) },
          { name: "dwell_seconds", dtype: "float64", sql: num("dwell", 0, 300, 1) },
        ],
      },
      {
        name: "product_catalog",
        description: "The product catalogue with prices, ratings and stock, as updated by sellers.",
        owner: "catalog-team@acme.example",
        rows: 16000,
        columns: [
          { name: "product_id", dtype: "int64", sql: int("product", 8000) },
          { name: "price", dtype: "float64", sql: num("price", 2, 1500) },
          { name: "rating", dtype: "float32", sql: num("rating", 1, 5, 2) },
          { name: "review_count", dtype: "int64", sql: int("reviews", 4000, 0) },
          { name: "in_stock", dtype: "bool", sql: flag("stock", 850) },
          { name: "category", dtype: "string", sql: pick("cat", ["shoes", "electronics", "kitchen", "toys", "garden", "books", "beauty"]) },
          { name: "seller_score", dtype: "float64", sql: num("seller", 0, 1, 3) },
          { name: "embedding", dtype: "list<float32>", sql: `[${[1, 2, 3, 4, 5, 6, 7, 8].map((k) => `round(((hash(i, 'e${k}') % 2000)::DOUBLE / 1000.0 - 1.0), 4)::FLOAT`).join(", ")}]` },
        ],
      },
    ],
    views: [
      {
        name: "product_popularity",
        description: "How often a product is shown and clicked in search.",
        owner: "search-relevance@acme.example",
        tags: { team: "search", tier: "gold", domain: "ranking" },
        entities: ["product"],
        source: "search_clicks",
        ttl: "30d",
        features: [
          ["position", "Result position at the latest impression"],
          col("clicked"),
          col("query_category"),
        ],
        aggregations: [
          { column: "position", function: "count", windows: ["1d", "7d", "30d"], description: "Impressions" },
          { column: "position", function: "avg", windows: ["1d", "7d", "30d"], description: "Average result position" },
        ],
        schedule: "0 * * * *",
      },
      {
        name: "product_ctr",
        description: "Click-through of a product in search results.",
        owner: "search-relevance@acme.example",
        tags: { team: "search", tier: "gold", domain: "ranking" },
        entities: ["product"],
        source: "search_clicks",
        ttl: "30d",
        features: [
          ["clicked", "Whether the latest impression was clicked"],
          ["dwell_seconds", "Dwell time after the latest click"],
          col("position"),
          col("query_category"),
        ],
        aggregations: [{ column: "dwell_seconds", function: "avg", windows: ["1d", "7d", "30d"], description: "Average dwell time" }],
      },
      {
        name: "product_quality",
        description: "Ratings and reviews of a product.",
        owner: "catalog-team@acme.example",
        tags: { team: "catalog", domain: "quality" },
        entities: ["product"],
        source: "product_catalog",
        ttl: "90d",
        features: [
          ["rating", "Average star rating (1–5)"],
          ["review_count", "Number of reviews"],
          col("seller_score"),
          col("in_stock"),
          col("category"),
        ],
      },
      {
        name: "price_dynamics",
        description: "A product's price and how it moves.",
        owner: "pricing@acme.example",
        tags: { team: "pricing", domain: "pricing" },
        entities: ["product"],
        source: "product_catalog",
        ttl: "30d",
        features: [
          ["price", "Current price"],
          col("category"),
          col("in_stock"),
        ],
        aggregations: [
          { column: "price", function: "min", windows: ["1d", "7d", "30d"], description: "Lowest price" },
          { column: "price", function: "max", windows: ["1d", "7d", "30d"], description: "Highest price" },
          { column: "price", function: "stddev", windows: ["7d", "30d", "90d"], description: "Price volatility" },
        ],
        schedule: "0 */6 * * *",
      },
      {
        name: "product_embeddings",
        description: "Two-tower model embedding of a product (8 dimensions) for candidate retrieval.",
        owner: "search-relevance@acme.example",
        tags: { team: "search", domain: "retrieval", model: "two-tower" },
        entities: ["product"],
        source: "product_catalog",
        ttl: "90d",
        features: [["embedding", "Product embedding (list<float32>, 8 dimensions)"]],
      },
      {
        name: "stock_signals",
        description: "Availability of a product.",
        owner: "catalog-team@acme.example",
        tags: { team: "catalog", domain: "quality" },
        entities: ["product"],
        source: "product_catalog",
        ttl: "1d",
        features: [
          ["in_stock", "Whether the product is in stock"],
          ["category", "Product category"],
          col("price"),
          col("rating"),
        ],
      },
      {
        name: "seller_quality",
        description: "Quality score of the product's seller.",
        owner: "catalog-team@acme.example",
        tags: { team: "catalog", domain: "quality" },
        entities: ["product"],
        source: "product_catalog",
        ttl: "90d",
        features: [["seller_score", "Seller quality score (0–1)"]],
        aggregations: [{ column: "seller_score", function: "avg", windows: ["7d", "30d", "90d"], description: "Average seller score" }],
      },
      {
        name: "shopper_query_history",
        description: "What a shopper searches for.",
        owner: "search-relevance@acme.example",
        tags: { team: "search", domain: "personalization" },
        entities: ["shopper"],
        source: "search_clicks",
        ttl: "30d",
        features: [
          ["query_category", "Category of the shopper's latest query"],
          col("clicked"),
          col("dwell_seconds"),
        ],
        aggregations: [{ column: "position", function: "count", windows: ["1d", "7d", "30d"], description: "Search impressions" }],
      },
      {
        name: "shopper_click_propensity",
        description: "How likely a shopper is to click search results.",
        owner: "search-relevance@acme.example",
        tags: { team: "search", domain: "personalization" },
        entities: ["shopper"],
        source: "search_clicks",
        ttl: "30d",
        features: [
          ["clicked", "Whether the shopper's latest impression was clicked"],
          ["position", "Position of the shopper's latest impression"],
        ],
        aggregations: [{ column: "dwell_seconds", function: "sum", windows: ["1d", "7d", "30d"], description: "Total dwell time" }],
      },
      {
        name: "category_demand",
        description: "Search demand per product through its latest query category.",
        owner: "search-relevance@acme.example",
        tags: { team: "search", domain: "ranking" },
        entities: ["product"],
        source: "search_clicks",
        ttl: "7d",
        features: [
          ["query_category", "Category of the latest query that showed the product"],
          col("clicked"),
          col("position"),
        ],
        schedule: "0 1 * * *",
        freshness: "1d",
      },
    ],
    services: [
      { name: "ranker_v7", description: "Features of the learning-to-rank model.", owner: "search-relevance@acme.example", features: ["product_popularity", "product_ctr", "product_quality", "price_dynamics:price", "stock_signals:in_stock", "seller_quality:seller_score"] },
      { name: "retrieval_v2", description: "Features of candidate retrieval.", owner: "search-relevance@acme.example", features: ["product_embeddings", "shopper_query_history"] },
      { name: "personalization_v1", description: "Shopper features of the personalized re-ranker.", owner: "search-relevance@acme.example", features: ["shopper_query_history", "shopper_click_propensity"] },
    ],
    models: [
      { name: "search_ranker", description: "LambdaMART ranker ordering search results.", owner: "search-relevance@acme.example", services: ["ranker_v7"] },
      { name: "candidate_retrieval", description: "Two-tower retrieval of 500 candidates per query.", owner: "search-relevance@acme.example", services: ["retrieval_v2"] },
      { name: "personal_reranker", description: "Re-ranks the top 50 results per shopper.", owner: "search-relevance@acme.example", services: ["personalization_v1", "ranker_v7"] },
    ],
  },
];

/** The views the demo leaves in a telling state. */
export const DEMO_STATES = {
  /** Materialized only until ten days ago: stale against its 1-day freshness objective. */
  stale: { project: "logistics", view: "returns_rate" },
  /** Its source file is missing: its materialization fails (after its retries). */
  failing: { project: "logistics", view: "cold_chain_breaches" },
  /** Never materialized. */
  never: { project: "search_ranking", view: "category_demand" },
} as const;
