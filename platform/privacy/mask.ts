/** Masking of personal information for display (个人信息去标识化展示). */

/** 13812345678 → 138****5678 */
export function maskPhone(phone: string | null | undefined): string | null {
  if (!phone) return null;
  const digits = phone.replace(/\s+/g, '');
  if (digits.length < 7) return '*'.repeat(digits.length);
  return `${digits.slice(0, 3)}${'*'.repeat(digits.length - 7)}${digits.slice(-4)}`;
}

/** A GB 11643 citizen ID number: keep the region code and the last four characters. */
export function maskIdNumber(id: string | null | undefined): string | null {
  if (!id) return null;
  if (id.length <= 10) return '*'.repeat(id.length);
  return `${id.slice(0, 6)}${'*'.repeat(id.length - 10)}${id.slice(-4)}`;
}

/** A personal name: keep the first character (张** / J***). */
export function maskName(name: string | null | undefined): string | null {
  if (!name) return null;
  const chars = [...name];
  return chars[0] + '*'.repeat(Math.max(1, chars.length - 1));
}

/**
 * A free-text contact ("张三 13800000001", "Li Wei, 0719-8000001"): every phone number in it masked
 * as maskPhone does, every name kept to its first character. Nothing of a person survives whole.
 */
export function maskContact(contact: string | null | undefined): string | null {
  if (!contact) return null;
  return (
    contact
      // Phone numbers (with spaces, dashes or a leading +).
      .replace(/\+?\d[\d\s-]{5,}\d/g, (m) => maskPhone(m.replace(/[\s-]/g, '')) ?? '')
      // Chinese names and other runs of CJK characters.
      .replace(/[\u3400-\u9fff·]{2,}/g, (m) => maskName(m) ?? '')
      // Latin names and the local part and domain of an e-mail address.
      .replace(/[A-Za-z][A-Za-z'-]*[A-Za-z]/g, (m) => maskName(m) ?? '')
  );
}

/**
 * A personal name as the exchange gateway shows it to a consumer not approved for it: the first
 * and last characters kept, the middle starred (张*三, 欧**明; a two-character name 张*).
 */
export function maskNameMiddle(name: string | null | undefined): string | null {
  if (!name) return null;
  const chars = [...name];
  if (chars.length <= 2) return `${chars[0]}*`;
  return `${chars[0]}${'*'.repeat(chars.length - 2)}${chars[chars.length - 1]}`;
}

/** A unified social credit code: the registration and area parts kept, the organisation code starred. */
export function maskCreditCode(code: string | null | undefined): string | null {
  if (!code) return null;
  if (code.length !== 18) return '*'.repeat(code.length);
  return `${code.slice(0, 8)}******${code.slice(-4)}`;
}

/**
 * An address to its street: kept up to the street, town or township (街道, 镇, 乡), or else up to
 * the district or county; the rest (road, number, building, room) starred. 湖北省十堰市张湾区花果街道
 * 人民北路12号 → 湖北省十堰市张湾区花果街道****.
 */
export function maskAddressToStreet(address: string | null | undefined): string | null {
  if (!address) return null;
  const street = /^.*?(街道|镇|乡)/.exec(address);
  const area = street ?? /^.*(区|县|市)/.exec(address);
  const kept = area?.[0] ?? '';
  return kept.length < address.length ? `${kept}****` : kept;
}

/** A date to its year (1990-01-01 → 1990). */
export function maskDateToYear(date: string | null | undefined): string | null {
  if (!date) return null;
  return /^\d{4}/.exec(date)?.[0] ?? '****';
}
