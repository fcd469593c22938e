/**
 * Compose `ports` entries, shared by the generator (a project's own compose file) and the doctor:
 * what a mapping publishes on the host, and when two of them cannot both be bound.
 */

export interface PortSpec {
  hostIp?: string;
  /** Host port or range (`8000`, `8000-8010`); undefined when the engine picks one. */
  host?: string;
  /** Container port (first of a range). */
  container?: number;
  protocol: string;
}

/** The short syntax, after interpolation: `[ip:][host:]container[/protocol]`, ip may be `[v6]`. */
export function parsePortSpec(text: string): PortSpec {
  let rest = text.trim();
  let protocol = 'tcp';
  const slash = rest.lastIndexOf('/');
  if (slash !== -1) {
    protocol = rest.slice(slash + 1);
    rest = rest.slice(0, slash);
  }
  let hostIp: string | undefined;
  const v6 = /^\[([^\]]+)\]:(.*)$/.exec(rest);
  if (v6) {
    hostIp = v6[1];
    rest = v6[2]!;
  }
  const parts = rest.split(':');
  let host: string | undefined;
  let container: string;
  if (parts.length === 3) {
    hostIp = parts[0];
    host = parts[1] || undefined;
    container = parts[2]!;
  } else if (parts.length === 2) {
    host = parts[0] || undefined;
    container = parts[1]!;
  } else container = parts[0]!;
  const c = Number(container.split('-')[0]);
  return {
    protocol,
    ...(hostIp ? { hostIp } : {}),
    ...(host ? { host } : {}),
    ...(Number.isInteger(c) && c > 0 ? { container: c } : {}),
  };
}

/** The host ports of `8000` or `8000-8010`; undefined when it is not a number (an unresolved variable). */
export function hostRange(host: string | undefined): [number, number] | undefined {
  const m = /^(\d+)(?:-(\d+))?$/.exec(host?.trim() ?? '');
  if (!m) return undefined;
  const from = Number(m[1]);
  const to = m[2] === undefined ? from : Number(m[2]);
  return from > 0 && to >= from ? [from, to] : undefined;
}

const WILDCARD = new Set(['', '0.0.0.0', '::']);

/**
 * Whether two published ports cannot both be bound: the same protocol, overlapping host ports,
 * and the same address or a wildcard on either side (the engine refuses 127.0.0.1:8000 while
 * 0.0.0.0:8000 is taken; 127.0.0.1 and 127.0.0.2 coexist, and so do tcp and udp).
 */
export function hostPortsClash(a: PortSpec, b: PortSpec): boolean {
  if (a.protocol.toLowerCase() !== b.protocol.toLowerCase()) return false;
  const ra = hostRange(a.host);
  const rb = hostRange(b.host);
  if (!ra || !rb || ra[1] < rb[0] || rb[1] < ra[0]) return false;
  const ipA = a.hostIp ?? '';
  const ipB = b.hostIp ?? '';
  return WILDCARD.has(ipA) || WILDCARD.has(ipB) || ipA === ipB;
}
