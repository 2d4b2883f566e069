// Types of the `mediahook` npm package (hand-written; no `any`).
// Copied by scripts/build-npm.sh to dist/index.d.cts (require) and dist/index.d.mts (import).

/** A media cloud that sends callbacks (the registered ids; see {@link vendorInfo}). */
export type Vendor =
  | "tencent_vod"
  | "baidu_vod"
  | "volcengine_live"
  | "byteplus_live"
  | "tencent_live"
  | "aliyun_vod";

/** The vendors whose signature covers the callback URL configured at the vendor: `callbackUrl` is required. */
export type CallbackUrlVendor = "baidu_vod" | "aliyun_vod";

/** What a Live vendor's `t` means: an expiry (`now > t` refused) or a send time (±window). */
export type TimestampMeaning = "expiry" | "sent";

/** The verification error taxonomy (SPEC §2), the same everywhere in mediahook. */
export type ErrorKind = "missing" | "malformed" | "expired" | "mismatch" | "malformed_payload";

/** Any JSON value. */
export type JsonValue = string | number | boolean | null | JsonValue[] | JsonObject;
/** A JSON object. */
export interface JsonObject {
  [key: string]: JsonValue;
}

/**
 * Anything with `get`/`forEach` like the fetch API's `Headers` (or a `Map`). Declared
 * structurally so the types need neither the DOM lib nor `@types/node`.
 */
export interface HeadersLike {
  get(name: string): string | null | undefined;
  forEach(callback: (value: string, name: string) => void): void;
}

/**
 * Headers as received: a fetch `Headers` / `Map`, or a plain object such as Node's
 * `req.headers` (array values are joined). Names are matched case-insensitively.
 */
export type HeadersInput =
  | HeadersLike
  | { readonly [name: string]: string | readonly string[] | undefined };

/** A raw request body: the exact bytes received (preferred) or the same text. */
export type BodyInput = string | Uint8Array;

/** Cross-vendor event types (SPEC §3). */
export type SharedEventType =
  | "media.upload.completed"
  | "media.pull.completed"
  | "media.transcode.completed"
  | "media.deleted"
  | "video.generate.completed"
  | "live.stream.started"
  | "live.stream.ended"
  | "live.record.completed"
  | "live.snapshot.created"
  | "live.snapshot.audited";

/** A normalized `type`: a shared name, or `<vendor>.<vendor type>` for everything else. */
export type NormalizedEventType = SharedEventType | `${Vendor}.${string}`;

/** One vendor event in the one shape mediahook delivers (SPEC §3). */
export interface NormalizedEvent<V extends Vendor = Vendor> {
  /** Stable across vendor retries: the vendor's event id (Baidu `eventId`), else `evt_` + 32 hex. */
  id: string;
  /** `media.upload.completed`, `live.stream.started`, … or `<vendor>.<vendor_type>`. */
  type: NormalizedEventType;
  /** RFC 3339: the event time the vendor gives, else when it was received. */
  timestamp: string;
  /** Which vendor sent it. */
  vendor: V;
  /** The vendor's own event type (`NewFileUpload`, `MEDIA_UPLOAD_COMPLETE`, `push_start`, …; `unknown` if none). */
  vendor_type: string;
  /** The source name given to verifyCallback/normalize (default `"default"`). */
  source: string;
  /** The main resource (FileId / mediaId / `vhost/app/stream`), when there is one. */
  subject?: string;
  /** The vendor body with the signature fields removed. */
  data: JsonObject;
}

/** Options of {@link verifyCallback}. */
export interface VerifyCallbackRequest {
  /** The raw body, exactly as received (a `Buffer`/`Uint8Array` is best). */
  body: BodyInput;
  /** The request headers (Baidu signs with `vod-callback-auth-*` headers, Alibaba with `X-VOD-*`). */
  headers?: HeadersInput;
  /** Tencent VOD `SignKey`, Tencent Live `CallbackKey`, Baidu `signKey`, Volcengine/BytePlus `AuthKeyPrimary`, Alibaba `AuthKey`. */
  key: string;
  /** Baidu, Alibaba (required there, a `TypeError` without it): the callback URL configured at the vendor (part of the signed message). */
  callbackUrl?: string;
  /** Now, Unix milliseconds (default `Date.now()`). */
  now?: number;
  /** Baidu, Alibaba: accepted |now − send time| in seconds (default 300); same as `windowSeconds`. */
  toleranceSeconds?: number;
  /** Accepted |now − send time| in seconds for send-time timestamps (Baidu, BytePlus, Alibaba, a Live source with `timestamp: "sent"`; default 300). */
  windowSeconds?: number;
  /** Volcengine/BytePlus Live: `MD5(key + t)` (`"key_first"`, Volcengine's default) or `MD5(t + key)` (`"time_first"`, BytePlus's default). */
  signOrder?: "key_first" | "time_first";
  /** Volcengine/BytePlus Live: what `t` means (Volcengine default `"expiry"`, BytePlus `"sent"`). */
  timestamp?: TimestampMeaning;
  /** The source name put into the event (default `"default"`). */
  source?: string;
}

/**
 * Verifies a raw vendor callback (signature, then time window) and returns it normalized.
 * @throws {MediahookError} when the callback is refused (`error.kind` says why).
 * @throws {TypeError} on bad arguments (unknown vendor, missing key, no `callbackUrl` for Baidu or Alibaba, …).
 */
export declare function verifyCallback<V extends Vendor>(
  vendor: V,
  req: VerifyCallbackRequest & (V extends CallbackUrlVendor ? { callbackUrl: string } : unknown),
): NormalizedEvent<V>;

/** Options of {@link normalize}. */
export interface NormalizeOptions {
  /** The source name put into the event (default `"default"`). */
  source?: string;
  /** When it was received, Unix milliseconds (default `Date.now()`): the timestamp when the vendor gives none. */
  receivedAt?: number;
}

/**
 * Normalizes a callback body WITHOUT verifying its signature (signature fields are removed).
 * @throws {MediahookError} `malformed_payload` when the body is not a JSON object.
 */
export declare function normalize<V extends Vendor>(vendor: V, body: BodyInput, opts?: NormalizeOptions): NormalizedEvent<V>;

/** One problem in a callback config, exactly as the vendor API would report it. */
export interface ConfigError {
  /** Path of the offending field, e.g. `CallbackDetailList[0].URL` (empty for the whole body). */
  field: string;
  /** The vendor's error code, e.g. `InvalidParameter`, `MissingParameter`, `InvalidCallbackConfigParams`, `InvalidParam.Empty`. */
  code: string;
  /** The vendor's error message. */
  message: string;
  /** The HTTP status the vendor answers with. */
  status: number;
}

/** The outcome of {@link validateConfig}. */
export interface ValidationResult {
  /** `true` when the vendor would accept the config. */
  ok: boolean;
  /** Every problem found, in field order (empty when ok). */
  errors: ConfigError[];
  /** The vendor-shaped error response body for the first problem (absent when ok). */
  response?: JsonObject;
}

/** Options of {@link validateConfig}. */
export interface ValidateConfigOptions {
  /** Baidu: the stored config the patch is merged into before validation. */
  current?: unknown;
  /** The request id put into `response` (default: a random UUID). */
  requestId?: string;
  /** Let loopback callback URLs through (local development only; default false). */
  allowLoopback?: boolean;
}

/**
 * Validates a callback config as the vendor would, before calling the vendor API: Tencent VOD
 * `ModifyEventConfig`, Tencent Live `CreateLiveCallbackTemplate` / `ModifyLiveCallbackTemplate`,
 * Baidu `PUT /v2/callback`, Alibaba `SetMessageCallback`, Volcengine `UpdateCallback`, and the
 * BytePlus console callback form (Volcengine's rules); see {@link VendorInfo.configApi}.
 * @throws {TypeError} on an unknown vendor, or a `config` / `current` that is not
 *   JSON-serializable or is nested deeper than 128 levels.
 */
export declare function validateConfig(vendor: Vendor, config: unknown, opts?: ValidateConfigOptions): ValidationResult;

/** Options of {@link signCallback}. */
export interface SignCallbackRequest {
  /** The body to sign: JSON text, or an object (serialized with `JSON.stringify`). */
  body: string | JsonObject;
  /** The vendor key. */
  key: string;
  /** Now, Unix milliseconds (default `Date.now()`). */
  now?: number;
  /** Baidu, Alibaba: the callback URL configured at the vendor, exactly (it is signed; required for them). */
  callbackUrl?: string;
  /** Baidu: the account id sent in `vod-callback-auth-user` (default `"mediahook"`). */
  user?: string;
  /** Expiry timestamps (Tencent VOD and Live, Volcengine; BytePlus with `timestamp: "expiry"`): signature lifetime in seconds (default 600). */
  ttlSeconds?: number;
  /** Volcengine/BytePlus Live: concatenation order (default: the vendor's). */
  signOrder?: "key_first" | "time_first";
  /** Volcengine/BytePlus Live: `t` as an expiry (now + ttlSeconds) or the send time (now); default: the vendor's. */
  timestamp?: TimestampMeaning;
}

/** A callback signed as the vendor signs it. */
export interface SignedCallback {
  /** The body to send (Tencent VOD and Live, Volcengine, BytePlus: with the signature fields added). */
  body: string;
  /** The headers to send (Baidu's `vod-callback-auth-*`, Alibaba's `X-VOD-*`; empty for the others). */
  headers: Record<string, string>;
}

/**
 * Signs a callback the way the vendor does (for tests, local development and replays).
 * @throws {MediahookError} `malformed_payload` when the body is not a JSON object.
 * @throws {TypeError} on bad arguments (unknown vendor, missing key, no `callbackUrl` for Baidu or Alibaba, …).
 */
export declare function signCallback<V extends Vendor>(
  vendor: V,
  req: SignCallbackRequest & (V extends CallbackUrlVendor ? { callbackUrl: string } : unknown),
): SignedCallback;

/** One registered vendor, as the core describes it ({@link vendorInfo}). */
export interface VendorInfo {
  id: Vendor;
  /** Human name, e.g. `Tencent Cloud VOD`. */
  name: string;
  signature: {
    /** Where the signature material is. */
    location: "body" | "headers";
    /** Header names to pass through (header-signing vendors; empty otherwise). */
    headers: string[];
    /** The body fields or headers that carry the signature. */
    fields: string[];
    /** What is signed, as a formula. */
    signed: string;
    timestamp: TimestampMeaning;
    /** Send time: accepted |now − t|; expiry: how far after sending the vendor sets t. Seconds. */
    defaultWindowSeconds: number;
    /** Whether the signature covers the body (when not, use a path secret / IP allow-list). */
    coversBody: boolean;
  };
  /** Whether a source must be given the callback URL configured at the vendor. */
  requiresCallbackUrl: boolean;
  /** Per-source options: worker config `name`, npm `option`, and what it means. */
  options: { name: string; option: string; description: string }[];
  /** What the vendor counts as delivered, and how it retries. */
  reply: { successStatus: number[]; timeoutMs: number | null; retry: string };
  /** Vendor types with a cross-vendor meaning. */
  eventTypes: { vendorType: string; type: SharedEventType }[];
  /** Documented sample bodies (unsigned; sign them with {@link signCallback}). */
  samples: { vendorType: string; body: string; source: string }[];
  /** The vendor config API validated by {@link validateConfig}. */
  configApi: string;
  /** Its fields, for config forms. */
  configFields: { path: string; description: string }[];
}

/** Every registered vendor (a fresh copy per call). */
export declare function vendorInfo(): VendorInfo[];

/** Options of the {@link StandardWebhook} constructor. */
export interface StandardWebhookOptions {
  /** Accepted |now − webhook-timestamp| in seconds (default 300). */
  toleranceSeconds?: number;
}

/** Options of {@link StandardWebhook.verify}. */
export interface StandardWebhookVerifyOptions {
  /** Now, Unix milliseconds (default `Date.now()`). */
  now?: number;
}

/** Standard Webhooks v1 (what mediahook forwards to origins); interoperable with `standardwebhooks` and `svix`. */
export declare class StandardWebhook {
  /**
   * @param secret one `whsec_…` secret, or several while keys rotate (the first signs first).
   * @throws {TypeError} when a secret is not base64 after `whsec_`.
   */
  constructor(secret: string | readonly string[], opts?: StandardWebhookOptions);
  /** The `webhook-signature` header value: `v1,<base64>` per secret, space-separated. */
  sign(id: string, timestampSeconds: number, body: BodyInput): string;
  /**
   * Verifies `webhook-id`, `webhook-timestamp` and `webhook-signature`, then returns the
   * parsed JSON body.
   * @throws {MediahookError} `missing`, `malformed`, `mismatch`, `expired` or `malformed_payload`.
   */
  verify(body: BodyInput, headers: HeadersInput, opts?: StandardWebhookVerifyOptions): unknown;
}

/** A refused callback or Standard Webhooks message: a real `Error` with a stack. */
export declare class MediahookError extends Error {
  constructor(kind: ErrorKind, message?: string);
  /** Why it was refused (SPEC §2). */
  readonly kind: ErrorKind;
  name: "MediahookError";
}
