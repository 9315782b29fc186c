/**
 * An SMTP sink in its own process for the campaign benchmark: counts accepted messages and answers
 * "count" requests over IPC. Started with fork(); prints nothing.
 */
import { SmtpSink } from '../../test/support/smtp-sink';

async function main(): Promise<void> {
  const sink = new SmtpSink();
  sink.countOnly = true;
  await sink.start();
  process.send!({ port: sink.port });
  process.on('message', (msg: { type: string }) => {
    if (msg.type === 'count') process.send!({ count: sink.count });
    if (msg.type === 'stop') void sink.stop().then(() => process.exit(0));
  });
}

void main();
