// Types of `mediahook/node` (hand-written; no `any`, no `@types/node` needed). scripts/build-npm.sh
// copies this file to dist/node.d.mts and, pointing at the .cjs types, dist/node.d.cts.
import type { HeadersInput, Vendor } from "./index.mjs";
import type { HandlerOptions } from "./handler.mjs";

export type { HandlerCommonOptions, HandlerOptions, HandlerVendorOptionNames, HandlerVendorOptions, HandlerVendorOptionsOf } from "./handler.mjs";

/** What the handler reads of Node's `IncomingMessage` (Express's and Connect's `req` too). */
export interface NodeRequestLike extends AsyncIterable<Uint8Array | string> {
  readonly method?: string;
  readonly headers: HeadersInput;
  /** Already-read raw bytes (e.g. `express.raw()`); a parsed object is refused with a clear 500. */
  readonly body?: unknown;
  readonly readableEnded?: boolean;
}

/** What the handler uses of Node's `ServerResponse`. */
export interface NodeResponseLike {
  statusCode: number;
  readonly headersSent?: boolean;
  setHeader(name: string, value: string): unknown;
  end(chunk: string): unknown;
}

/** Fastify's request: `raw` is the IncomingMessage; `body` what the content-type parser made. */
export interface FastifyRequestLike {
  readonly method: string;
  readonly headers: HeadersInput;
  readonly body?: unknown;
  readonly raw: NodeRequestLike;
}

/** Fastify's reply. */
export interface FastifyReplyLike {
  code(status: number): unknown;
  header(name: string, value: string): unknown;
  send(payload: string): unknown;
}

/** A Node handler: `(req, res)` for node:http, Express and Connect, or `(request, reply)` for Fastify. */
export interface NodeHandler {
  (req: NodeRequestLike, res: NodeResponseLike, next?: (err?: unknown) => void): Promise<void>;
  (request: FastifyRequestLike, reply: FastifyReplyLike): Promise<unknown>;
}

/**
 * `createHandler` for Node: reads the raw request bytes itself, verifies and normalizes them,
 * awaits `onEvent`, and answers like `mediahook/handler` does. A body already parsed by
 * another middleware (`express.json()`) gets 500 `body_already_parsed` with a message saying
 * what to change; a body that cannot be read to its end (the client went away mid-body) gets
 * 400 `body_read_failed` (the returned promise does not reject on any request).
 * @throws {TypeError} at creation, on bad options (as `mediahook/handler`'s `createHandler`).
 */
export declare function createHandler<V extends Vendor>(opts: HandlerOptions<V>): NodeHandler;
