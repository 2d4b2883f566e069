// Types of `mediahook/handler` (hand-written; no `any`). scripts/build-npm.sh copies this file
// to dist/handler.d.mts and, with the import below pointing at ./index.cjs, dist/handler.d.cts.
import type { CallbackUrlVendor, HeadersLike, NormalizedEvent, TimestampMeaning, Vendor } from "./index.mjs";

/** The parts of a fetch `Request` the handler reads (used when no DOM/undici types are loaded). */
export interface RequestLike {
  readonly method: string;
  readonly headers: HeadersLike;
  arrayBuffer(): Promise<ArrayBuffer>;
}

/** The fetch `Response` class's instance type when the environment declares one. */
export type WebResponse = typeof globalThis extends { Response: { prototype: infer R } } ? R : unknown;
/** The fetch `Request` type when the environment declares one, else {@link RequestLike}. */
export type WebRequest = typeof globalThis extends { Request: { prototype: infer R } } ? R : RequestLike;

/** The options of {@link createHandler} that every vendor takes. */
export interface HandlerCommonOptions<V extends Vendor = Vendor> {
  /** The vendor that sends these callbacks. */
  vendor: V;
  /** Tencent VOD `SignKey`, Tencent Live `CallbackKey`, Baidu `signKey`, Volcengine/BytePlus `AuthKeyPrimary`, Alibaba `AuthKey`. */
  key: string;
  /** The source name put into each event (default `"default"`). */
  source?: string;
  /** Largest accepted body in bytes (default 1 MiB); larger ones get 413. */
  maxBodyBytes?: number;
  /**
   * Called with each verified, normalized event; the vendor gets 200 after it resolves.
   * If it throws (or rejects), the answer is 500 so that the vendor retries: deduplicate on
   * `event.id`.
   */
  onEvent(event: NormalizedEvent<V>): void | Promise<void>;
  /**
   * Told about an `onEvent` failure (or a misconfigured Node body parser); never changes the
   * answer. Without it, such a failure is logged with `console.error` (`mediahook handler: …`,
   * with the event's id and type; never the key).
   */
  onError?(error: unknown): void;
}

/** The vendor-specific options of {@link createHandler}; which vendor takes which: {@link HandlerVendorOptionNames}. */
export interface HandlerVendorOptions {
  /** Baidu, Alibaba (required there): the callback URL configured at the vendor, exactly (part of the signed message). */
  callbackUrl?: string;
  /** Send-time signatures (Baidu, Alibaba, BytePlus, a Volcengine source with `timestamp: "sent"`): accepted |now − t| in seconds (default: the vendor's, 300). */
  windowSeconds?: number;
  /** The same as `windowSeconds` (the name Baidu and Alibaba sources use). */
  toleranceSeconds?: number;
  /** Volcengine/BytePlus Live: `MD5(key + t)` or `MD5(t + key)` (default: the vendor's). */
  signOrder?: "key_first" | "time_first";
  /** Volcengine/BytePlus Live: whether `t` is an expiry or the send time (default: the vendor's). */
  timestamp?: TimestampMeaning;
}

/**
 * The vendor-specific options each vendor takes (the core's registration). Another vendor's
 * option, or an unknown option name, is refused with a `TypeError` when the handler is created.
 */
export interface HandlerVendorOptionNames {
  tencent_vod: never;
  tencent_live: never;
  baidu_vod: "callbackUrl" | "windowSeconds" | "toleranceSeconds";
  aliyun_vod: "callbackUrl" | "windowSeconds" | "toleranceSeconds";
  volcengine_live: "signOrder" | "timestamp" | "windowSeconds" | "toleranceSeconds";
  byteplus_live: "signOrder" | "timestamp" | "windowSeconds" | "toleranceSeconds";
}

/** The vendor-specific options of one vendor: its own ones; `callbackUrl` required where it is signed. */
export type HandlerVendorOptionsOf<V extends Vendor> = V extends Vendor
  ? Pick<HandlerVendorOptions, HandlerVendorOptionNames[V]>
    & { [K in Exclude<keyof HandlerVendorOptions, HandlerVendorOptionNames[V]>]?: undefined }
    & (V extends CallbackUrlVendor ? { /** The callback URL configured at the vendor, exactly (it is signed). */ callbackUrl: string } : unknown)
  : never;

/** Options of {@link createHandler} (and of `createHandler` from `mediahook/node`). */
export type HandlerOptions<V extends Vendor = Vendor> = HandlerCommonOptions<V> & HandlerVendorOptionsOf<V>;

/** A Web-standard handler: Hono, Next.js route handlers, Bun, Deno, Workers. */
export type WebHandler = (request: WebRequest | RequestLike) => Promise<WebResponse>;

/**
 * Verifies the raw body of each request, normalizes it, awaits `onEvent` and answers what the
 * vendor expects: 200 `{"code":0,"message":"ok","id":…}`; 401 (`missing`, `mismatch`,
 * `expired`) or 400 (`malformed`, `malformed_payload`) with `{"error":{"code","message"}}`;
 * 405 for another method; 413 over `maxBodyBytes`; 500 when `onEvent` threw (logged with
 * `console.error` unless `onError` is given).
 * @throws {TypeError} at creation, on bad options (unknown vendor, no key, no onEvent, no
 *   `callbackUrl` for Baidu or Alibaba, an unknown option name, another vendor's option).
 */
export declare function createHandler<V extends Vendor>(opts: HandlerOptions<V>): WebHandler;
