/** Addresses as they may appear in logs ([plugins.auth.privacy] log_ip_masking). */
export type IpMasking = 'last_two_octets' | 'last_octet' | 'none';

/**
 * `203.0.113.7` → `203.0.x.x` (last_two_octets) or `203.0.113.x` (last_octet); IPv6 keeps its
 * first 3 or 4 groups. The full address is never needed to read a log about a login.
 */
export function maskIp(ip: string, mode: IpMasking): string {
  if (mode === 'none') return ip;
  const v4 = ip.startsWith('::ffff:') && ip.includes('.') ? ip.slice(7) : ip;
  if (/^\d+\.\d+\.\d+\.\d+$/.test(v4)) {
    const parts = v4.split('.');
    return mode === 'last_octet' ? `${parts.slice(0, 3).join('.')}.x` : `${parts.slice(0, 2).join('.')}.x.x`;
  }
  const groups = ip.split(':').filter((g) => g !== '');
  return `${groups.slice(0, mode === 'last_octet' ? 4 : 3).join(':')}:x`;
}
