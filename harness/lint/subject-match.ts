/**
 * NATS subject patterns: tokens split on `.`, `*` stands for exactly one token and `>` (last
 * only) for one or more. Patterns here are compared with patterns, because what KV needs is
 * itself a pattern (`$KV.HARMONY.>` is every key of the bucket).
 */

/** The subject rules of one direction (publish or subscribe) of a user's permissions. */
export interface SubjectRules {
  /** Undefined when no allow list is given: then everything not denied is allowed. */
  readonly allow?: readonly string[];
  readonly deny: readonly string[];
}

/** Why a subject is not permitted, or that it is. */
export type Permission =
  | { readonly permitted: true }
  | { readonly permitted: false; readonly reason: 'not-allowed' }
  | { readonly permitted: false; readonly reason: 'denied'; readonly by: string };

/** True when every subject that matches `inner` also matches `outer`. */
export function covers(outer: string, inner: string): boolean {
  const o = outer.split('.');
  const i = inner.split('.');
  for (let n = 0; n < o.length; n += 1) {
    const token = o[n];
    const other = i[n];
    if (other === undefined) return false;
    if (token === '>') return true;
    if (other === '>') return false;
    if (token !== '*' && token !== other) return false;
  }
  return o.length === i.length;
}

/** True when some subject matches both patterns. */
export function overlaps(a: string, b: string): boolean {
  const x = a.split('.');
  const y = b.split('.');
  for (let n = 0; n < Math.max(x.length, y.length); n += 1) {
    const p = x[n];
    const q = y[n];
    if (p === undefined || q === undefined) return false;
    if (p === '>' || q === '>') return true;
    if (p !== '*' && q !== '*' && p !== q) return false;
  }
  return true;
}

/**
 * True when the allow patterns together cover `subject`, also when no single one does:
 * `A.*` and `A.*.>` together cover `A.>`.
 */
export function coveredByAll(allow: readonly string[], subject: string): boolean {
  if (allow.some((pattern) => covers(pattern, subject))) return true;
  if (!subject.endsWith('>')) return false;

  // Split `P.>` into `P.*` and `P.*.>`; a pattern list cannot cover deeper than its longest
  // pattern by splitting further, so stop there.
  const longest = Math.max(0, ...allow.map((pattern) => pattern.split('.').length));
  if (subject.split('.').length > longest) return false;
  const prefix = subject.slice(0, -1);
  return coveredByAll(allow, `${prefix}*`) && coveredByAll(allow, `${prefix}*.>`);
}

/** Whether rules permit every subject matching `subject`: allowed and no deny touching it. */
export function permits(rules: SubjectRules, subject: string): Permission {
  if (rules.allow && !coveredByAll(rules.allow, subject)) {
    return { permitted: false, reason: 'not-allowed' };
  }
  const by = rules.deny.find((pattern) => overlaps(pattern, subject));
  if (by !== undefined) return { permitted: false, reason: 'denied', by };
  return { permitted: true };
}
