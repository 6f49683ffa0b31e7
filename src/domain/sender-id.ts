// Sender IDs (the "from" a handset shows) and the shape each kind must have before it can be
// registered or used: India's DLT headers and international alphanumeric or numeric senders.

export type SenderKind = 'dlt-header' | 'numeric-header' | 'international';

// Upper-casing is the only rewrite: DLT headers are registered in capitals, and customers type
// 'techto' as often as 'TECHTO'. Anything else (spaces inside, punctuation) is for validation
// to refuse, not for us to guess.
export function normaliseSenderId(sender: string): string {
  return sender.trim().toUpperCase();
}

/** The kind a normalised sender looks like, for registration without an explicit kind. */
export function inferSenderKind(sender: string): SenderKind {
  if (/^[A-Z]{6}$/.test(sender)) return 'dlt-header';
  if (/^\d{6}$/.test(sender)) return 'numeric-header';
  return 'international';
}

/** TRAI TCCCPR 2018: promotional templates go out under numeric headers, every other category under letter headers. */
export function templateSenderKind(category: string): SenderKind {
  return category === 'promotional' ? 'numeric-header' : 'dlt-header';
}

/** undefined when `sender` (already normalised) is valid for `kind`, else the reason it is not. */
export function validateSenderId(sender: string, kind: SenderKind): string | undefined {
  switch (kind) {
    case 'dlt-header':
      // TRAI TCCCPR 2018: transactional, service and OTP headers are exactly six letters.
      if (sender.length !== 6) return `A DLT header has exactly 6 letters; this one has ${sender.length} characters.`;
      return /^[A-Z]{6}$/.test(sender) ? undefined : 'A DLT header may contain only the capital letters A-Z.';
    case 'numeric-header':
      // TRAI TCCCPR 2018: promotional messages go out from six-digit numeric headers.
      if (sender.length !== 6) return `A promotional header has exactly 6 digits; this one has ${sender.length} characters.`;
      return /^[0-9]{6}$/.test(sender) ? undefined : 'A promotional header may contain only the digits 0-9.';
    case 'international':
      return validateInternationalSender(sender);
  }
}

// 3GPP TS 23.040 §9.1.2.5: an alphanumeric originating address holds at most 11 characters; a numeric
// one is an ITU-T E.164 number of at most 15 digits.
const maxAlphanumericLength = 11;
const maxNumericLength = 15;
const minSenderLength = 3;

function validateInternationalSender(sender: string): string | undefined {
  if (/^[0-9]+$/.test(sender)) {
    if (sender.length < minSenderLength || sender.length > maxNumericLength) {
      return `A numeric sender ID has ${minSenderLength} to ${maxNumericLength} digits; this one has ${sender.length}.`;
    }
    return undefined;
  }
  if (!/^[A-Za-z0-9]+$/.test(sender)) return 'An international sender ID may contain only letters A-Z and digits 0-9.';
  if (sender.length < minSenderLength || sender.length > maxAlphanumericLength) {
    return `An alphanumeric sender ID has ${minSenderLength} to ${maxAlphanumericLength} characters; this one has ${sender.length}.`;
  }
  return undefined;
}
