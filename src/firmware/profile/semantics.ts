// Checks that need the whole profile: names that refer to other statements, and distribution prerequisites.

import type { ProfileBuilder } from './builder.js';
import type { Diagnostics } from './errors.js';
import { formatIpv4 } from './ipv4.js';

export function checkProfile(b: ProfileBuilder, diag: Diagnostics): void {
  const ifNames = new Set<string>([
    ...b.interfaces.map((i) => i.name),
    ...b.links.map((l) => l.name),
    ...b.unmodelledInterfaces,
  ]);
  for (const r of b.routes) {
    if (!ifNames.has(r.ifName)) {
      diag.error(r.at, `ROUTE names ${r.ifName}, which no INTERFACE or LINK statement defines`);
    }
  }
  const linkNames = new Set(b.links.map((l) => l.name));
  for (const h of b.homes) {
    if (!linkNames.has(h.linkName)) diag.warn(h.at, `HOME ${formatIpv4(h.ip)} names link ${h.linkName}, which no LINK statement defines`);
  }
  const startable = new Set<string>([...b.devices.map((d) => d.name), ...ifNames]);
  for (const s of [...b.starts, ...b.stops]) {
    if (!startable.has(s.name)) diag.warn(s.at, `${s.name} is not a DEVICE or INTERFACE of this profile`);
  }

  const owned = new Set<number>([...b.vipaDefines.map((d) => d.ip), ...b.vipaBackups.map((d) => d.ip)]);
  for (const d of b.vipaDistributes) {
    if (!owned.has(d.ip)) {
      diag.error(d.at, `VIPADISTRIBUTE ${formatIpv4(d.ip)}: the DVIPA has no VIPADEFINE or VIPABACKUP in this profile`);
    }
  }
  if (b.vipaDistributes.length > 0 && b.dynamicXcf === null) {
    diag.warn(b.vipaDistributes[0]!.at, 'VIPADISTRIBUTE needs IPCONFIG DYNAMICXCF: without it this stack can neither forward to targets nor be one');
  }
}
