// Preloaded (`node -r`) into a benchmarked child process: prints its peak resident set size on exit
// as one JSON line on stderr, so the bench can read the peak of a whole CLI run.
const { writeSync } = require('node:fs');

process.on('exit', () => {
  writeSync(2, `\n${JSON.stringify({ maxRssKb: process.resourceUsage().maxRSS })}\n`);
});
