// A service replica reduced to its consumer, run as a child process so a test can SIGKILL it mid-work.
// It records each message id when it starts processing it, and again once the server confirmed the ack.
// Plain JS (no TS toolchain in the child): the durable's configuration comes from the test, which builds
// it with the lib's durableConsumerConfig(), so both sides consume the same durable.
const { appendFileSync } = require('node:fs');
const { connect } = require('nats');

async function main() {
  const { NATS_URL, STREAM, CONSUMER_CONFIG, PROCESSED_FILE, ACKED_FILE, ACK_DELAY_MS } = process.env;
  const config = JSON.parse(CONSUMER_CONFIG);
  const nc = await connect({ servers: NATS_URL });
  const jsm = await nc.jetstreamManager();
  await jsm.consumers.add(STREAM, config);
  const consumer = await nc.jetstream().consumers.get(STREAM, config.durable_name);
  const messages = await consumer.consume({ max_messages: 5 });
  for await (const msg of messages) {
    const id = String(msg.json().page);
    appendFileSync(PROCESSED_FILE, `${id}\n`);
    await new Promise((resolve) => setTimeout(resolve, Number(ACK_DELAY_MS)));
    await msg.ackAck();
    appendFileSync(ACKED_FILE, `${id}\n`);
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
