/** NKey seeds: 'S', a key-type prefix letter, then base32. */
const SEED = /\bS[UAONCPX][A-Z2-7]{56}\b/g;
/** `password: x` / `token=x` / `pass "x"` in config text or messages. */
const SECRET_FIELD = /\b(pass(word)?|token|auth_token)(\s*[:=]\s*|\s+)("[^"]*"|'[^']*'|\S+)/gi;

/**
 * Removes anything that looks like an NKey seed, a password or a token from text that will be
 * logged, reported or stored. Applied to every error message the history records.
 */
export function redactSecrets(text: string): string {
  return text.replace(SEED, '[REDACTED SEED]').replace(SECRET_FIELD, '$1$3[REDACTED]');
}
