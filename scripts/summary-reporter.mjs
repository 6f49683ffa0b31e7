// node:test reporter that prints one plain closing line, 'N passed, N failed, N skipped',
// so CI can read the count whatever the spec reporter's glyphs look like.
export default async function* summary(source) {
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  for await (const event of source) {
    if (event.type !== 'test:pass' && event.type !== 'test:fail') continue;
    if (event.data.details?.type === 'suite') continue;
    // node:test does not count a failing todo as a failure; neither do we.
    if (event.data.skip || event.data.todo) skipped++;
    else if (event.type === 'test:fail') failed++;
    else passed++;
  }
  yield `${passed} passed, ${failed} failed, ${skipped} skipped\n`;
}
