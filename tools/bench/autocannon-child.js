// Child process of a bench whose server runs in the bench's own process (detect-api): runs
// autocannon here, so the load generator does not share the server's event loop and cores' worth
// of scheduling with it. Reads its options as JSON on stdin (the body as `bodyBase64`, so binary
// bodies survive) and prints autocannon's result as one JSON line on stdout.
const autocannon = require('autocannon');

let input = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => (input += chunk));
process.stdin.on('end', () => {
  const { bodyBase64, ...options } = JSON.parse(input);
  const cpuBefore = process.cpuUsage();
  autocannon({ ...options, body: Buffer.from(bodyBase64, 'base64') }).then(
    (result) => {
      const { latency, requests, errors, non2xx } = result;
      const cpu = process.cpuUsage(cpuBefore);
      const clientCpuMs = (cpu.user + cpu.system) / 1000;
      process.stdout.write(`${JSON.stringify({ latency, requests, errors, non2xx, clientCpuMs })}\n`);
    },
    (error) => {
      process.stderr.write(`${error.stack ?? error}\n`);
      process.exit(1);
    },
  );
});
