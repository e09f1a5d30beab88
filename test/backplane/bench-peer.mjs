// The far end of test/bench/backplane.bench.ts: a separate process that receives backplane messages (batches
// of events), decodes and checks each as the coordinator does, and acknowledges every `ack` events. It uses the
// BUILT protocol code (dist), so build first.
import * as zmq from 'zeromq';
import { checkFromParticipant, encode, unpack } from '../../dist/src/backplane/protocol.js';
import { payloadProblem } from '../../dist/src/backplane/payload-check.js';

const [endpoint] = process.argv.slice(2);
// The bench process ends without saying goodbye: its end closes our stdin.
process.stdin.on('end', () => process.exit(0)).resume();
const sock = new zmq.Dealer({ linger: 0, receiveHighWaterMark: 0, sendHighWaterMark: 0 });
sock.connect(endpoint);
await sock.send(encode({ v: 1, type: 'hello', role: 'worker' }));
let count = 0;
for await (const [frame] of sock) {
  const m = checkFromParticipant(unpack(frame));
  if (typeof m === 'string') throw new Error(m);
  if (m.type === 'hb') break;
  for (const e of m.events) {
    if (!Array.isArray(e) || e.length !== 6) throw new Error('bad event');
    for (let i = 0; i < 5; i++) if (!Number.isSafeInteger(e[i]) || e[i] < 0) throw new Error('bad field');
    const p = payloadProblem(e[5], true);
    if (p !== null) throw new Error(p);
    count++;
  }
  if (m.round !== 0) await sock.send(encode({ v: 1, type: 'hb', partition: count }));
}
sock.close();
process.exit(0);
