export { BoundedQueue, BusyError } from "./bounded-queue";
export { CLIENT_ADDRESS_HEADER, clientAddressOf, isTrustedPeer, resolveClientAddress, trustedProxies } from "./client-address";
export { ConcurrencyLimiter, RateLimiter, type RateDecision, type RateLimit } from "./rate-limiter";
