/**
 * Ends every Jest run with one plain line, `N passed, N failed, N skipped`, that CI logs and
 * people read the same way, preceded by what was skipped and why (the describe block says why).
 * Written at exit so it stays last, after Jest's own summary.
 */
class SummaryReporter {
  onRunComplete(_contexts, results) {
    const skipped = results.numPendingTests + results.numTodoTests;
    const reasons = new Map();
    for (const file of results.testResults) {
      for (const test of file.testResults) {
        if (test.status !== 'pending' && test.status !== 'todo') continue;
        const title = test.ancestorTitles[0] ?? test.title;
        reasons.set(title, (reasons.get(title) ?? 0) + 1);
      }
    }
    const lines = [...reasons].map(([title, count]) => `skipped ${count}: ${title}`);
    lines.push(`${results.numPassedTests} passed, ${results.numFailedTests} failed, ${skipped} skipped`);
    process.once('exit', () => process.stderr.write(`\n${lines.join('\n')}\n`));
  }
}
module.exports = SummaryReporter;
