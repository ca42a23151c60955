// Turns Vitest's JSON report into the closing line CI recognises, `N passed, N failed`
// (Vitest's own summary is not among the formats CI reads; STYLE.md §3.12).

/**
 * Counts tests by status. A file that failed without any failing test (import error, failing
 * hook) counts as one failure, and so does a non-zero Vitest exit that the report does not
 * explain (unhandled error, crash): the line must never say "0 failed" for a red run.
 */
export function summarizeVitestReport(report, exitCode) {
  if (!report || !Array.isArray(report.testResults)) return { passed: 0, failed: 1, skipped: 0 };
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  for (const file of report.testResults) {
    let failedHere = 0;
    for (const test of file.assertionResults ?? []) {
      if (test.status === 'passed') passed += 1;
      else if (test.status === 'failed') failedHere += 1;
      else skipped += 1; // skipped, pending, todo, disabled
    }
    if (file.status === 'failed' && failedHere === 0) failedHere = 1;
    failed += failedHere;
  }
  if (exitCode !== 0 && failed === 0) failed = 1;
  return { passed, failed, skipped };
}

export function formatSummary({ passed, failed, skipped }) {
  return `${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ''}`;
}
