// The payment-card rule's matcher: digit runs, bare or grouped by one kind of separator, tried as
// windows of whole groups holding 12 to 19 digits (Luhn, IIN and length in the validator).
import type { Push, RuleContext } from './rule-context.js';
import { isAlnum, isDigit } from './rule-context.js';
import { isValidCardNumber } from './validators.js';

const CARD_CONTEXT_RE =
  /card|visa|master|amex|\bpan\b|\bcc|credit|debit|discover|jcb|diners|maestro|unionpay/i;
// The word right before a bare digit run that makes it an id (`order 4…`, `ref=`, `#`), not a card.
const ID_CONTEXT_RE =
  /(?:(?<![A-Za-z])(?:id|ids|no|nr|num|order|orders|tracking|invoice|shipment|parcel|account|acct|ref|reference|request|req|txn|transaction|customer|document|doc|batch|job|ticket|sequence|seq|offset|snowflake|message|msg|event|trace|build|run|(?:tracking|order|invoice|account|reference|serial|parcel)[ _-]?number)|#)[^A-Za-z0-9]{0,4}$/i;

export function matchDigitRuns(ctx: RuleContext, s: string, push: Push): void {
  const n = s.length;
  let i = 0;
  while (i < n) {
    if (!isDigit(s.charCodeAt(i))) {
      i++;
      continue;
    }
    const prev = i > 0 ? s.charCodeAt(i - 1) : -1;
    if (isAlnum(prev) || prev === 95 || prev === 46) {
      // Digits inside a word or hex id (`8a3c1f2e`): skip them without collecting segments.
      while (i < n && isDigit(s.charCodeAt(i))) i++;
      continue;
    }
    const segStarts = [i];
    const segEnds: number[] = [];
    let j = i;
    while (j < n) {
      const c = s.charCodeAt(j);
      if (isDigit(c)) {
        j++;
        continue;
      }
      if ((c === 32 || c === 45) && j + 1 < n && isDigit(s.charCodeAt(j + 1))) {
        segEnds.push(j);
        segStarts.push(j + 1);
        j++;
        continue;
      }
      break;
    }
    segEnds.push(j);
    const after = j < n ? s.charCodeAt(j) : -1;
    const rightOk =
      !(isAlnum(after) || after === 95) &&
      !(after === 46 && j + 1 < n && isDigit(s.charCodeAt(j + 1)));
    // A run glued to a word on the right can still hold a card that ends at an inner separator.
    const usable = rightOk ? segStarts.length : segStarts.length - 1;
    if (usable > 0) {
      cardCandidates(ctx, s, segStarts, segEnds, usable, push);
    }
    i = j + 1;
  }
}

/** Work units per window of digit groups tried (digits gathered, IIN and Luhn). */
const WINDOW_COST = 8;

function cardCandidates(
  ctx: RuleContext,
  s: string,
  segStarts: readonly number[],
  segEnds: readonly number[],
  k: number,
  push: Push,
): void {
  // Windows of whole segments holding 12 to 19 digits; bounded by 19 digits per window, and each
  // window extends the previous one (digits and separator check), so a run costs O(segments).
  for (let a = 0; a < k; a++) {
    let digits = '';
    let found = -1;
    const sep = a + 1 < k ? s.charCodeAt(segEnds[a]!) : -1;
    for (let b = a; b < k; b++) {
      if (b > a && s.charCodeAt(segEnds[b - 1]!) !== sep) break;
      digits += s.slice(segStarts[b], segEnds[b]);
      if (digits.length > 19) break;
      if (digits.length < 12) continue;
      ctx.charge(WINDOW_COST);
      if (!isValidCardNumber(digits)) continue;
      const bare = b === a;
      if (bare) {
        const ctx40 = s.slice(Math.max(0, segStarts[a]! - 40), segStarts[a]);
        const card = CARD_CONTEXT_RE.test(ctx40);
        if (!card && (digits.length < 14 || digits.length > 16 || ID_CONTEXT_RE.test(ctx40))) {
          continue;
        }
      }
      found = b;
    }
    if (found >= 0) {
      const text = s.slice(segStarts[a], segEnds[found]);
      push(segStarts[a]!, segEnds[found]!, ctx.paymentRep(text, 'payment-card'));
      a = found;
    }
  }
}
