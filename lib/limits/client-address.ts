import net from "node:net";

/**
 * The request header that carries the client's address from our HTTP server (lib/server) to
 * route handlers, which Next gives no socket. The server sets it on every request and drops
 * whatever a client sent under this name.
 */
export const CLIENT_ADDRESS_HEADER = "x-kana-client-address";

/** The client's address as the server resolved it ("unknown" outside our server, e.g. tests calling handlers). */
export function clientAddressOf(request: { headers: Headers } | Request): string {
  return request.headers.get(CLIENT_ADDRESS_HEADER) ?? "unknown";
}

/**
 * Proxies whose X-Forwarded-* headers are believed (TRUST_PROXY): "loopback", "private"
 * (RFC 1918 / unique-local), addresses or CIDR ranges, comma-separated. Nothing is trusted by
 * default: a client could otherwise pick its own address and dodge every per-client limit.
 */
export function trustedProxies(spec: string | null): net.BlockList {
  const list = new net.BlockList();
  for (const raw of (spec ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean)) {
    if (raw === "loopback") {
      list.addSubnet("127.0.0.0", 8, "ipv4");
      list.addAddress("::1", "ipv6");
    } else if (raw === "private") {
      for (const [prefix, bits] of [
        ["10.0.0.0", 8],
        ["172.16.0.0", 12],
        ["192.168.0.0", 16],
      ] as const)
        list.addSubnet(prefix, bits, "ipv4");
      list.addSubnet("fc00::", 7, "ipv6");
    } else {
      const [address, bits] = raw.split("/");
      const family = net.isIPv6(address) ? "ipv6" : "ipv4";
      if (!net.isIP(address)) throw new Error(`"${raw}" is not an IP address, a CIDR range, "loopback" or "private"`);
      if (bits === undefined) list.addAddress(address, family);
      else list.addSubnet(address, Number(bits), family);
    }
  }
  return list;
}

const normalise = (address: string) => (address.startsWith("::ffff:") && net.isIPv4(address.slice(7)) ? address.slice(7) : address);

function isTrusted(list: net.BlockList, address: string): boolean {
  const plain = normalise(address);
  if (!net.isIP(plain)) return false;
  return list.check(plain, net.isIPv6(plain) ? "ipv6" : "ipv4");
}

/**
 * Who sent the request: the socket's peer, unless that peer is a trusted proxy; then the
 * right-most X-Forwarded-For entry that is not itself a trusted proxy (entries further left
 * were written by the client and prove nothing).
 */
export function resolveClientAddress(peer: string | undefined, forwardedFor: string | undefined, trusted: net.BlockList): string {
  let client = normalise(peer ?? "unknown");
  if (!isTrusted(trusted, client) || !forwardedFor) return client;
  const hops = forwardedFor
    .split(",")
    .map((h) => h.trim())
    .filter(Boolean);
  for (let i = hops.length - 1; i >= 0; i--) {
    client = normalise(hops[i]);
    if (!isTrusted(trusted, client)) return client;
  }
  return client;
}

/** Whether the direct peer may speak for the client (forwarded headers are kept only then). */
export function isTrustedPeer(peer: string | undefined, trusted: net.BlockList): boolean {
  return Boolean(peer) && isTrusted(trusted, peer!);
}
