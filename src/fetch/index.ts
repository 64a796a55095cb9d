// Public API of the fetch stage. Queue wiring lives elsewhere; everything here is plain
// functions and factories with options objects.

export { FetchError, isFetchError, isRetryableStatus, type FetchErrorCode, type FetchErrorInit } from './errors.js';
export {
  createHttpClient,
  DEFAULT_ACCEPT_CONTENT_TYPES,
  DEFAULT_USER_AGENT,
  type HttpClient,
  type HttpClientOptions,
  type FetchPageOptions,
  type FetchResult,
  type FetchOk,
  type FetchNotModified,
  type FetchTimings,
  type FetchTextOptions,
  type TextResponse,
  type ResponseHeaders,
  type RobotsGate,
} from './http-client.js';
export {
  decodeBody,
  decodeWith,
  detectCharset,
  normalizeCharset,
  parseContentType,
  type CharsetDetection,
  type CharsetSource,
  type ContentTypeInfo,
  type DecodedText,
  type DetectCharsetOptions,
} from './charset.js';
export { readBody, parseContentEncoding, type ReadBodyOptions, type BodyRead } from './body.js';
export {
  createRobotsCache,
  type RobotsCache,
  type RobotsCacheOptions,
  type RobotsFetchText,
  type RobotsInfo,
  type RobotsRedis,
  type RobotsStatus,
  type RobotsTextResponse,
  type RobotsVerdict,
} from './robots.js';
export {
  createHostLimiter,
  normalizeHost,
  type AcquireOptions,
  type AcquireResult,
  type HostLimiter,
  type HostLimiterOptions,
  type HostLimits,
  type LimiterRedis,
} from './politeness.js';
export {
  classify,
  createRetryPolicy,
  parseRetryAfter,
  type RetryClassification,
  type RetryDecision,
  type RetryPolicy,
  type RetryPolicyOptions,
} from './retry.js';
export {
  assertPublicUrl,
  checkUrl,
  classifyAddress,
  createGuardedLookup,
  defaultResolveAll,
  isBlockedAddress,
  MAX_URL_LENGTH,
  type AddressGuardOptions,
  type LookupFunction,
  type ResolveAll,
  type ResolvedAddress,
} from './address-guard.js';
