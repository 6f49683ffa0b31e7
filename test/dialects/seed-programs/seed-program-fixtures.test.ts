// The copies of the seeds' sample programs are the seeds' text: each file, its manifest's fixes
// undone, hashes to the seed lines it names; and each fix is needed (without it the sample does not
// parse, or the shell does not hand curl the arguments the seed meant).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { describe, test } from 'node:test';
import { fixtures, program, programs, run, sha256, source, unavailable, unfixed } from './seed-programs.ts';

describe('seed program fixtures', () => {
  test('every file beside the manifest is listed in it, and every listed file exists', () => {
    const files = readdirSync(fixtures, { withFileTypes: true }).filter((e) => e.isFile() && !['manifest.json', 'README.md'].includes(e.name)).map((e) => e.name);
    assert.deepEqual(files.sort(), programs.map((p) => p.file).sort());
  });

  test('each file, its fixes undone, is the seed\'s lines it names, followed by one newline', () => {
    for (const p of programs) {
      assert.match(source(p), /[^\n]\n$/, p.file);
      assert.equal(sha256(unfixed(p)), p.sha256, `${p.file} is not ${p.seed} lines ${p.lines.join('-')}`);
    }
  });

  test('seed 001\'s Python excerpts do not parse as the seed prints them, without indentation; restored, they do', async (t) => {
    const reason = await unavailable('python');
    if (reason) return t.skip(reason);
    for (const file of ['001-otp-service.py', '001-send-with-retry.py']) {
      // Compiled, not run: a JSON string literal is a Python string literal.
      const check = (text: string) => run('python', `compile(${JSON.stringify(text)}, 'sample', 'exec')\n`);
      const broken = await check(unfixed(program(file)));
      assert.notEqual(broken.code, 0, file);
      assert.match(broken.stderr, /IndentationError: expected an indented block/, file);
      assert.equal((await check(source(program(file)))).code, 0, file);
    }
  });

  test('seed 002\'s Node verify-otp sample is a SyntaxError without its closing quote, and parses with it', async () => {
    const p = program('002-verify-otp.node.cjs');
    // Were it to parse, it would exit before fetching anything.
    const broken = await run('node', `process.exit(0);\n${unfixed(p)}\n`);
    assert.notEqual(broken.code, 0);
    assert.match(broken.stderr, /SyntaxError: Invalid or unexpected token/);
    assert.doesNotThrow(() => execFileSync(process.execPath, ['--check', `${fixtures}/${p.file}`], { stdio: 'pipe' }));
  });

  test('seed 004\'s curl lines, as printed, give the shell other words than curl\'s; fixed, curl gets its URL and two headers', async () => {
    const words = async (text: string) => (await run('curl', `set -- ${text}\nprintf '[%s]\\n' "$@"`)).stdout;
    const p = program('004-account-balance-bearer.curl.sh');
    assert.equal(await words(source(p)), '[curl]\n[{endpoint}account/balance]\n[-H]\n[Authorization: Bearer 38e896f55670311982434e929559xxxx]\n[-H]\n[Accept: application/json]\n');
    // As printed: a prompt word, curl glued to its URL by a no-break space, and each header cut at its spaces.
    assert.equal(await words(unfixed(p)), '[$]\n[curl\u00a0{endpoint}account/balance]\n[-H]\n[\u2018Authorization:]\n[Bearer]\n[38e896f55670311982434e929559xxxx\u2019]\n[-H]\n[\u2018Accept:]\n[application/json\u2019]\n');
  });
});
