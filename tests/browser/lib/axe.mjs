// Runs axe-core in a page. The pages send `script-src 'self'`, so the
// context used for these checks must be created with { bypassCSP: true }.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
let axeSource;

async function source() {
  axeSource ??= await readFile(require.resolve('axe-core/axe.min.js'), 'utf8');
  return axeSource;
}

/** Runs axe on the current document; resolves the list of violations. */
export async function runAxe(page) {
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) {
    await page.addScriptTag({ content: await source() });
  }
  const result = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({
      id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
      nodes: v.nodes.map((n) => ({ target: n.target.join(' '), html: n.html, summary: n.failureSummary })),
    }));
  });
  return result;
}

export function formatViolations(violations) {
  return violations.map((v) => `  [${v.impact}] ${v.id}: ${v.help} (${v.helpUrl})\n` +
    v.nodes.map((n) => `      ${n.target}  ${n.html.slice(0, 160)}\n        ${(n.summary || '').replace(/\n/g, '\n        ')}`).join('\n'))
    .join('\n');
}

/**
 * Fails listing every violation of impact serious or critical (rule id, help,
 * target selectors). Lesser ones are returned so the caller can log them.
 */
export async function assertAccessible(page, label = page.url()) {
  const violations = await runAxe(page);
  const bad = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  if (bad.length) {
    throw new Error(`axe: ${bad.length} serious/critical violation(s) on ${label}:\n${formatViolations(bad)}`);
  }
  return violations;
}
