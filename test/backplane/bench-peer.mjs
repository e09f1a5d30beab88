// The far end of test/bench/backplane.bench.ts: a separate process that receives backplane messages (batches
// of events), decodes and checks each as the coordinator does (the wire schema, events and payloads included),
// and answers the last batch (round 1). It uses the BUILT protocol code (dist), so build first.
import * as zmq from 'zeromq';
import { checkFromParticipant, encode, unpack } from '../../dist/src/backplane/protocol.js';

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
  count += m.events.length;
  if (m.round !== 0) await sock.send(encode({ v: 1, type: 'hb', partition: count }));
}
sock.close();
process.exit(0);
