//! The verification code on a certificate: 12 symbols of Crockford's base32 (60 bits) and
//! Crockford's check symbol, shown as `XXXX-XXXX-XXXX-C`.
//!
//! Read back as a person types it: in any case, with or without the dashes and spaces, and
//! with O read as 0 and I or L read as 1 (Crockford's decoding rules). The check symbol is
//! the 60-bit value modulo 37 (the five extra symbols `*~$=U` stand for 32 to 36), so a
//! single mistyped symbol, or two neighbours swapped, is told apart from a wrong code
//! before anything is looked up. Reference: Douglas Crockford, "Base32",
//! <https://www.crockford.com/base32.html>.

use std::fmt;

/// The 32 symbols, by value.
const SYMBOLS: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
/// The check symbols for 32 to 36.
const CHECK_EXTRA: &[u8; 5] = b"*~$=U";
/// Symbols of the code before its check symbol.
pub const LENGTH: usize = 12;
const BITS: u32 = 5 * LENGTH as u32;
const MASK: u64 = (1 << BITS) - 1;

/// A certificate's verification code: 60 bits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct VerificationCode(u64);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CodeError {
    #[error("a verification code has {expected} characters (not counting dashes), but this one has {found}")]
    WrongLength { expected: usize, found: usize },
    #[error("{found:?} (character {position}) is not used in verification codes")]
    NotASymbol { found: char, position: usize },
    #[error("this code does not add up: a character is probably mistyped (check it against the certificate)")]
    WrongCheck,
}

impl VerificationCode {
    /// The code of these 60 bits (higher bits are dropped).
    pub fn from_bits(bits: u64) -> VerificationCode {
        VerificationCode(bits & MASK)
    }

    /// The code taken from the first 60 bits of `digest` (a hash of what the code stands
    /// for), so the same certificate always has the same code.
    pub fn from_digest(digest: &[u8; 32]) -> VerificationCode {
        let mut first = [0u8; 8];
        first.copy_from_slice(&digest[..8]);
        VerificationCode(u64::from_be_bytes(first) >> (64 - BITS))
    }

    pub fn bits(self) -> u64 {
        self.0
    }

    fn check_symbol(self) -> u8 {
        let check = (self.0 % 37) as usize;
        if check < 32 {
            SYMBOLS[check]
        } else {
            CHECK_EXTRA[check - 32]
        }
    }

    /// Reads a code as a person typed it (see the module's comment).
    pub fn parse(text: &str) -> Result<VerificationCode, CodeError> {
        let typed: Vec<(usize, char)> = text
            .chars()
            .enumerate()
            .filter(|(_, c)| !matches!(c, '-' | ' ' | '\u{a0}'))
            .map(|(i, c)| (i + 1, c))
            .collect();
        if typed.len() != LENGTH + 1 {
            return Err(CodeError::WrongLength {
                expected: LENGTH + 1,
                found: typed.len(),
            });
        }
        let mut bits = 0u64;
        for &(position, found) in &typed[..LENGTH] {
            let value = symbol_value(found).ok_or(CodeError::NotASymbol { found, position })?;
            bits = (bits << 5) | u64::from(value);
        }
        let code = VerificationCode(bits);
        let (position, found) = typed[LENGTH];
        let check = found.to_ascii_uppercase();
        let check_value = match check {
            '*' | '~' | '$' | '=' | 'U' => u64::from(
                32 + CHECK_EXTRA
                    .iter()
                    .position(|&c| c as char == check)
                    .unwrap_or(0) as u8,
            ),
            other => {
                u64::from(symbol_value(other).ok_or(CodeError::NotASymbol { found, position })?)
            }
        };
        if check_value != code.0 % 37 {
            return Err(CodeError::WrongCheck);
        }
        Ok(code)
    }
}

/// A symbol's value, by Crockford's decoding: any case, O as 0, I and L as 1.
fn symbol_value(c: char) -> Option<u8> {
    let c = match c.to_ascii_uppercase() {
        'O' => '0',
        'I' | 'L' => '1',
        other => other,
    };
    SYMBOLS
        .iter()
        .position(|&s| s as char == c)
        .map(|v| v as u8)
}

/// The last `symbols` base32 symbols of `bits`, in groups of four joined by dashes.
pub(crate) fn grouped_base32(bits: u64, symbols: usize) -> String {
    let mut text = String::with_capacity(symbols + symbols / 4);
    for i in 0..symbols {
        if i > 0 && i % 4 == 0 {
            text.push('-');
        }
        let shift = 5 * (symbols - 1 - i);
        text.push(SYMBOLS[((bits >> shift) & 31) as usize] as char);
    }
    text
}

impl fmt::Display for VerificationCode {
    /// `XXXX-XXXX-XXXX-C`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}-{}",
            grouped_base32(self.0, LENGTH),
            self.check_symbol() as char
        )
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn a_code_is_shown_in_three_groups_of_four_and_its_check_symbol() {
        // 1234567 = 1·32^4 + 5·32^3 + 21·32^2 + 20·32 + 7: "15NM7"; 1234567 mod 37 = 25 ("S").
        assert_eq!(
            VerificationCode::from_bits(1_234_567).to_string(),
            "0000-0001-5NM7-S"
        );
        assert_eq!(
            VerificationCode::from_bits(0).to_string(),
            "0000-0000-0000-0"
        );
        // 36 is "14", and its own check value, shown by the last extra symbol.
        assert_eq!(
            VerificationCode::from_bits(36).to_string(),
            "0000-0000-0014-U"
        );
        // 2^60 - 1 mod 37 = 9.
        assert_eq!(
            VerificationCode::from_bits(u64::MAX).to_string(),
            "ZZZZ-ZZZZ-ZZZZ-9"
        );
    }

    #[test]
    fn a_code_is_read_in_any_case_without_dashes_and_with_o_i_and_l_mixed_up() {
        let code = VerificationCode::from_bits(0x0abc_def0_1234_5678 & MASK);
        let shown = code.to_string();
        let sloppy = shown
            .to_lowercase()
            .replace('-', " ")
            .replace('0', "o")
            .replace('1', "l");
        assert_eq!(VerificationCode::parse(&sloppy), Ok(code));
        assert_eq!(VerificationCode::parse(&shown.replace('-', "")), Ok(code));
    }

    #[test]
    fn a_wrong_length_or_symbol_is_named() {
        assert_eq!(
            VerificationCode::parse("ABCD-EFGH-JKM"),
            Err(CodeError::WrongLength {
                expected: 13,
                found: 11
            })
        );
        assert_eq!(
            VerificationCode::parse("ABCD-EFGH-JKMU-0"),
            Err(CodeError::NotASymbol {
                found: 'U',
                position: 14
            })
        );
    }

    /// The code of `bits` with its symbol at `at` (0 is the first) set to `value`.
    fn with_symbol(bits: u64, at: usize, value: u64) -> u64 {
        let shift = 5 * (LENGTH - 1 - at) as u32;
        (bits & !(31 << shift)) | (value << shift)
    }

    /// Typed as `wrong`'s symbols with `right`'s check symbol.
    fn typed_with_check_of(wrong: u64, right: u64) -> String {
        let wrong = VerificationCode(wrong).to_string();
        format!(
            "{}{}",
            &wrong[..15],
            VerificationCode(right).check_symbol() as char
        )
    }

    /// Exhaustive: every position, every symbol it could hold and every other symbol typed
    /// in its place; every pair of different neighbours swapped. The check is the value
    /// modulo 37, and a substitution changes the value by (a − b)·32^k, so whether it is
    /// caught does not depend on the other symbols: these cases stand for every code.
    #[test]
    fn every_single_substitution_and_every_swap_of_neighbours_is_caught() {
        for base in [
            0,
            MASK,
            0x0555_5555_5555_5555 & MASK,
            0x0abc_def0_1234_5678 & MASK,
        ] {
            let mut cases = 0;
            for at in 0..LENGTH {
                for a in 0..32 {
                    let right = with_symbol(base, at, a);
                    for b in (0..32).filter(|&b| b != a) {
                        let wrong = with_symbol(right, at, b);
                        assert_eq!(
                            VerificationCode::parse(&typed_with_check_of(wrong, right)),
                            Err(CodeError::WrongCheck),
                            "{a} typed as {b} at {at}"
                        );
                        cases += 1;
                        if at + 1 < LENGTH {
                            let pair = with_symbol(right, at + 1, b);
                            let swapped = with_symbol(with_symbol(pair, at, b), at + 1, a);
                            assert_eq!(
                                VerificationCode::parse(&typed_with_check_of(swapped, pair)),
                                Err(CodeError::WrongCheck),
                                "{a}{b} swapped at {at}"
                            );
                            cases += 1;
                        }
                    }
                }
            }
            assert_eq!(cases, 12 * 32 * 31 + 11 * 32 * 31);
        }
    }

    proptest! {
        #[test]
        fn every_code_reads_back_as_itself(bits in 0..=MASK) {
            let code = VerificationCode::from_bits(bits);
            prop_assert_eq!(VerificationCode::parse(&code.to_string()), Ok(code));
        }

        /// Crockford's mod-37 check catches every single wrong symbol and every swap of
        /// two different neighbours.
        #[test]
        fn one_mistyped_symbol_or_two_swapped_is_refused(bits in 0..=MASK, at in 0..LENGTH, by in 1..32u64) {
            let code = VerificationCode::from_bits(bits);
            let shift = 5 * (LENGTH - 1 - at) as u32;
            let symbol = (bits >> shift) & 31;
            let wrong = VerificationCode((bits & !(31 << shift)) | (((symbol + by) % 32) << shift));
            let typed = format!("{}{}", &wrong.to_string()[..15], code.check_symbol() as char);
            prop_assert_eq!(VerificationCode::parse(&typed), Err(CodeError::WrongCheck));
            if at + 1 < LENGTH {
                let next = (bits >> (shift - 5)) & 31;
                if next != symbol {
                    let swapped = (bits & !(0b11_1111_1111 << (shift - 5))) | (next << shift) | (symbol << (shift - 5));
                    let typed = format!("{}{}", &VerificationCode(swapped).to_string()[..15], code.check_symbol() as char);
                    prop_assert_eq!(VerificationCode::parse(&typed), Err(CodeError::WrongCheck));
                }
            }
        }
    }
}
