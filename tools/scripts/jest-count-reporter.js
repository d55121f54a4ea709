// Jest reporter that writes this project's pass/fail totals to .test-results/<project>.json,
// so tools/scripts/test-all.js can print one plain "N passed, N failed" line for CI.
const fs = require('node:fs');
const path = require('node:path');

class JestCountReporter {
  constructor(_globalConfig, options) {
    this.project = options.project;
  }

  onRunComplete(_contexts, results) {
    const dir = path.join(__dirname, '..', '..', '.test-results');
    fs.mkdirSync(dir, { recursive: true });
    const failedSuites = results.numFailedTestSuites + results.numRuntimeErrorTestSuites;
    const summary = {
      project: this.project,
      passed: results.numPassedTests,
      failed: results.numFailedTests,
      skipped: results.numPendingTests + results.numTodoTests,
      failedSuites,
    };
    fs.writeFileSync(path.join(dir, `${this.project}.json`), JSON.stringify(summary));
  }
}

module.exports = JestCountReporter;
