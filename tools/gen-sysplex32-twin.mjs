import { writeFileSync } from 'node:fs';
// Writes fixtures/topologies/sysplex32-twin.yaml and its 32 profiles (node tools/gen-sysplex32-twin.mjs).
const root = new URL('../fixtures', import.meta.url).pathname;
const cpcOf = (i) => (i <= 16 ? 1 : 2);
const lanOf = (i) => cpcOf(i); // LAN1 for CPC1, LAN2 for CPC2
for (let i = 1; i <= 32; i++) {
  const c = cpcOf(i), net = `10.1.${c}`, host = i <= 16 ? i : i - 16, dist = c === 1 ? 1 : 17;
  const dvipa = `${net}.100`;
  const members = Array.from({ length: 16 }, (_, k) => `10.9.9.${dist + k}`);
  const destip = [];
  for (let k = 0; k < 16; k += 4) destip.push(members.slice(k, k + 4).join(' '));
  const vipa = i === dist ? `  VIPADEFINE MOVEABLE IMMEDIATE 255.255.255.0 ${dvipa}   ; the CPC's distributed DVIPA, owned here`
    : `  VIPABACKUP ${200 - host} ${dvipa}`;
  writeFileSync(`${root}/profiles/sysplex32-twin/SYS${i}.tcpip`, `; PROFILE.TCPIP for stack SYS${i} of the two-CPC 32-LPAR bench sysplex (fixtures/topologies/sysplex32-twin.yaml):
; CPC${c}'s LPARs sit on LAN${c} (${net}.0/24); SYS${dist} distributes ${dvipa} round robin to the 16 stacks of CPC${c}
TCPCONFIG TCPSENDBFRSIZE 65535 TCPRCVBUFRSIZE 65535
IPCONFIG DATAGRAMFWD SYSPLEXROUTING
         DYNAMICXCF 10.9.9.${i} 255.255.255.0 1
INTERFACE OSA${i} DEFINE IPAQENET PORTNAME OSA${i} IPADDR ${net}.${host}/24
  MTU 1500 INBPERF BALANCED
BEGINROUTES
  ROUTE ${net}.0/24 = OSA${i} MTU 1500
  ROUTE DEFAULT ${net}.254 OSA${i} MTU 1500
ENDROUTES
VIPADYNAMIC
${vipa}
  VIPADISTRIBUTE DEFINE DISTMETHOD ROUNDROBIN ${dvipa}
     PORT 7 80 DESTIP
${destip.map((d) => `       ${d}`).join('\n')}
ENDVIPADYNAMIC
PORT
   7 TCP ECHOSRV
  80 TCP HTTPSRV
START OSA${i}
`);
}
let y = `# yaml-language-server: $schema=../../schema/topology.schema.json
# 32 LPARs on two CPCs 10 km apart (two data centres of one sysplex), 16 each: CPC1's LPARs on LAN1, CPC2's on
# LAN2, each LAN with its own edge router (20 us to its clients) and its own distributed DVIPA (SYS1 distributes
# 10.1.1.100 to CPC1's stacks, SYS17 10.1.2.100 to CPC2's). One coupling facility per CPC: each LPAR reaches its
# own CPC's CF over ICA-SR, and CPC1's LPARs reach CF02 over CE-LR at 10 km, so XCF signals between the CPCs
# cross 10 km of fibre. A partitioned run cuts CPC1|CPC2 on the CE-LR links and the couple data set's I/O (fixtures/bench/sysplex32.yaml).
name: sysplex32-twin
cpcs: [{ name: CPC1 }, { name: CPC2 }]
lans:
  - { name: LAN1, subnet: 10.1.1.0/24, router: 10.1.1.254, clients: 100.64.0.0/11 }
  - { name: LAN2, subnet: 10.1.2.0/24, router: 10.1.2.254, clients: 100.96.0.0/11 }
osas:
`;
for (let i = 1; i <= 32; i++) y += `  - { name: OSA${i}, lan: LAN${lanOf(i)}, speed: 10GbE }\n`;
y += 'lpars:\n';
for (let i = 1; i <= 32; i++) {
  y += `  - name: SYS${i}\n    processors: ${i === 1 || i === 17 ? 8 : 2}\n    cpc: CPC${cpcOf(i)}\n    profile: ../profiles/sysplex32-twin/SYS${i}.tcpip\n    osas: [OSA${i}]\n`;
  y += i === 1 ? `    applications: &apps\n      - { app: echo, port: 7 }\n      - { app: http, port: 80, response: 2KiB }\n` : `    applications: *apps\n`;
}
y += `cfs:
  - { name: CF01, processors: 2, cpc: CPC1 }
  - { name: CF02, processors: 2, cpc: CPC2 }
xcf:
  failureDetection: 2ms         # assumed: real sysplexes use seconds
  links:
    # each LPAR to its own CPC's CF (XCF signals through CF01's structure where both ends reach it: cfs order)
`;
for (let i = 1; i <= 32; i++) y += `    - { between: [SYS${i}, CF0${cpcOf(i)}], model: ICA-SR }\n`;
y += '    # CPC1\'s LPARs also reach CF02 over 10 km: the signals between the CPCs go through it\n';
for (let i = 1; i <= 16; i++) y += `    - { between: [SYS${i}, CF02], model: CE-LR, distance: 10km }\n`;
writeFileSync(`${root}/topologies/sysplex32-twin.yaml`, y);
