//! Unified social credit codes (统一社会信用代码, GB 32100-2015).
//!
//! Inspectors type or scan these codes on site; a single wrong character
//! would attach an inspection to the wrong enterprise file, so the check
//! character is verified before a code is accepted anywhere.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use thiserror::Error;

/// The 31 characters GB 32100-2015 allows (digits and upper-case letters
/// except I, O, Z, S, V).
const ALPHABET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
/// Position weights 3^(i) mod 31 for the first 17 characters.
const WEIGHTS: [u32; 17] = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/// Why a code was rejected.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CreditCodeError {
    /// Not exactly 18 characters.
    #[error("must be 18 characters, got {0}")]
    Length(usize),
    /// A character outside the allowed alphabet at a 1-based position.
    #[error("character {ch:?} at position {position} is not allowed")]
    Character {
        /// 1-based position.
        position: usize,
        /// The offending character.
        ch: char,
    },
    /// Positions 3-8 must be a six-digit administrative division code.
    #[error("positions 3-8 must be an administrative division code (digits)")]
    Region,
    /// The 18th character does not match the computed check character.
    #[error("check character should be {expected}, got {found}")]
    CheckCharacter {
        /// Computed check character.
        expected: char,
        /// Character in the code.
        found: char,
    },
}

fn value_of(c: u8) -> Option<u32> {
    ALPHABET.iter().position(|&a| a == c).map(|p| p as u32)
}

/// Computes the check character for the first 17 characters of a code.
pub fn check_character(first17: &str) -> Result<char, CreditCodeError> {
    let bytes = first17.as_bytes();
    if bytes.len() != 17 {
        return Err(CreditCodeError::Length(first17.chars().count() + 1));
    }
    let mut sum = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let v = value_of(b).ok_or(CreditCodeError::Character { position: i + 1, ch: b as char })?;
        sum += v * WEIGHTS[i];
    }
    let check = (31 - sum % 31) % 31;
    Ok(ALPHABET[check as usize] as char)
}

/// A validated unified social credit code. Lower-case input and surrounding
/// white space (typical of OCR and manual entry) are normalised.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CreditCode(String);

impl CreditCode {
    /// Validates and normalises a code.
    pub fn parse(input: &str) -> Result<Self, CreditCodeError> {
        let code = input.trim().to_ascii_uppercase();
        let n = code.chars().count();
        if n != 18 {
            return Err(CreditCodeError::Length(n));
        }
        let bytes = code.as_bytes();
        for (i, &b) in bytes.iter().enumerate() {
            if value_of(b).is_none() {
                return Err(CreditCodeError::Character { position: i + 1, ch: b as char });
            }
        }
        if !bytes[2..8].iter().all(u8::is_ascii_digit) {
            return Err(CreditCodeError::Region);
        }
        let expected = check_character(&code[..17])?;
        let found = bytes[17] as char;
        if expected != found {
            return Err(CreditCodeError::CheckCharacter { expected, found });
        }
        Ok(Self(code))
    }

    /// The 18 characters.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The six-digit administrative division (行政区划) code.
    pub fn region_code(&self) -> &str {
        &self.0[2..8]
    }
}

impl fmt::Display for CreditCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for CreditCode {
    type Err = CreditCodeError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl TryFrom<String> for CreditCode {
    type Error = CreditCodeError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<CreditCode> for String {
    fn from(c: CreditCode) -> String {
        c.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table() {
        // (input, expected outcome)
        let cases: &[(&str, Result<&str, CreditCodeError>)] = &[
            // The worked example published with GB 32100-2015.
            ("91350100M000100Y43", Ok("91350100M000100Y43")),
            (" 91350100m000100y43 ", Ok("91350100M000100Y43")),
            ("91350100M000100Y44", Err(CreditCodeError::CheckCharacter { expected: '3', found: '4' })),
            ("91350100M000100Y4", Err(CreditCodeError::Length(17))),
            ("91350100M000100Y433", Err(CreditCodeError::Length(19))),
            ("91350100I000100Y43", Err(CreditCodeError::Character { position: 9, ch: 'I' })),
            ("9135A100M000100Y43", Err(CreditCodeError::Region)),
        ];
        for (input, expected) in cases {
            let got = CreditCode::parse(input).map(|c| c.0);
            assert_eq!(got.as_deref().map_err(Clone::clone), expected.clone(), "{input}");
        }
        // A multi-byte character must not panic on slicing.
        assert!(CreditCode::parse("91350100M000100Y4Ω").is_err());
    }

    #[test]
    fn check_character_of_every_single_substitution_is_caught() {
        let good = "91350100M000100Y43";
        for pos in 0..17 {
            for &c in ALPHABET.iter() {
                let mut b = good.as_bytes().to_vec();
                if b[pos] == c {
                    continue;
                }
                b[pos] = c;
                let s = String::from_utf8(b).unwrap();
                assert!(CreditCode::parse(&s).is_err(), "{s} accepted");
            }
        }
    }

    #[test]
    fn region_code() {
        assert_eq!(CreditCode::parse("91350100M000100Y43").unwrap().region_code(), "350100");
    }
}
