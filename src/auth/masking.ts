import type { Caller } from '../common/scopes';
import { Scope } from '../common/scopes';

/** Personal data of a customer: shown masked to callers without the pii scope. */
export const PERSONAL_FIELDS = ['email', 'phone', 'firstName', 'lastName', 'birthDate'] as const;

export const mayReadPersonalData = (caller: Caller | null): boolean => caller?.scopes.has(Scope.PII) ?? false;

/** "jane.doe@example.com" → "j***@example.com": the domain stays (B2B analysis reads it), the person does not. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at <= 0) return maskText(email);
  return `${Array.from(email)[0]}***${email.slice(at)}`;
}

/** "+33 6 12 34 56 78" → "***78": the last two digits, to tell numbers apart. */
export function maskPhone(phone: string): string {
  const digits = phone.replace(/\D/g, '');
  return `***${digits.slice(-2)}`;
}

/** "Jane" → "J***". */
export function maskText(text: string): string {
  const first = Array.from(text)[0];
  return first === undefined ? '' : `${first}***`;
}
