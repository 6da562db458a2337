// Starts an S3-compatible server for the Conversations.Assets.S3 tests.
//
//   node start.mjs <port> <dataDir>
//
// Binds 127.0.0.1:<port>, keeps objects under <dataDir>, creates the bucket "conversations-test", and accepts the
// access key / secret "S3RVER" / "S3RVER". Requests must carry valid AWS Signature V4 signatures: a tampered or
// wrongly signed request is refused with 403. Prints a line containing "ready" once it listens; exits cleanly on
// SIGTERM or SIGINT.
import { createRequire } from 'node:module';
import { mkdirSync } from 'node:fs';
import path from 'node:path';

const require = createRequire(import.meta.url);
const S3rver = require('@20minutes/s3rver');

const [portArg, dataDirArg] = process.argv.slice(2);
const port = Number.parseInt(portArg ?? '', 10);
if (!Number.isInteger(port) || port <= 0 || port > 65535 || !dataDirArg) {
  console.error('usage: node start.mjs <port> <dataDir>');
  process.exit(2);
}

const directory = path.resolve(dataDirArg);
mkdirSync(directory, { recursive: true });

const server = new S3rver({
  address: '127.0.0.1',
  port,
  directory,
  silent: true,
  allowMismatchedSignatures: false,
  configureBuckets: [{ name: 'conversations-test' }],
});

let stopping = false;
async function stop(signal) {
  if (stopping) {
    return;
  }
  stopping = true;
  try {
    await server.close();
    console.log(`s3rver stopped (${signal})`);
    process.exit(0);
  } catch (error) {
    console.error(`s3rver failed to stop: ${error?.message ?? error}`);
    process.exit(1);
  }
}

process.on('SIGTERM', () => stop('SIGTERM'));
process.on('SIGINT', () => stop('SIGINT'));

try {
  const { address, port: bound } = await server.run();
  console.log(`s3rver ready on http://${address}:${bound} (bucket conversations-test, data ${directory})`);
} catch (error) {
  console.error(`s3rver failed to start: ${error?.message ?? error}`);
  process.exit(1);
}
