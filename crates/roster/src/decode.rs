//! Turns the bytes of a text file into a string, the way Excel and sign-up systems write
//! them: UTF-8 with or without a byte-order mark, UTF-16 with one, or Windows-1252.

use crate::problem::{Problem, ProblemCode};

/// The encoding a text file was read in, shown to staff in the import preview.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextEncoding {
    Utf8,
    Utf16,
    Windows1252,
}

pub fn decode_text(bytes: &[u8]) -> Result<(String, TextEncoding), Problem> {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return match std::str::from_utf8(rest) {
            Ok(text) => check_is_text(text.to_owned(), TextEncoding::Utf8),
            Err(e) => Err(bad_byte(
                rest,
                e.valid_up_to(),
                "starts with a UTF-8 marker",
            )),
        };
    }
    if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        // `decode` follows the byte-order mark, whichever endianness it names.
        let (text, _, malformed) = encoding_rs::UTF_16LE.decode(bytes);
        if malformed {
            return Err(Problem::error(
                ProblemCode::UnreadableEncoding,
                "the file starts like UTF-16 text but is not valid UTF-16; save it again as \"CSV UTF-8\"",
            ));
        }
        return check_is_text(text.into_owned(), TextEncoding::Utf16);
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => check_is_text(text.to_owned(), TextEncoding::Utf8),
        Err(_) if bytes.contains(&0) => Err(not_a_roster()),
        Err(_) => {
            // Excel on Windows saves "CSV (Comma delimited)" in Windows-1252.
            let (text, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(bytes);
            check_is_text(text.into_owned(), TextEncoding::Windows1252)
        }
    }
}

/// Binary files that happen to decode are refused: a roster never holds control
/// characters other than tabs and line ends.
fn check_is_text(text: String, encoding: TextEncoding) -> Result<(String, TextEncoding), Problem> {
    let mut line = 1u32;
    for c in text.chars() {
        if c == '\n' {
            line += 1;
        } else if c.is_control() && c != '\t' && c != '\r' {
            return Err(match encoding {
                TextEncoding::Windows1252 => Problem::error(
                    ProblemCode::UnreadableEncoding,
                    "the file is neither UTF-8 nor Windows-1252 text; save it again from Excel as \"CSV UTF-8\"",
                )
                .at_line(line),
                _ => not_a_roster().at_line(line),
            });
        }
    }
    Ok((text, encoding))
}

fn bad_byte(bytes: &[u8], at: usize, context: &str) -> Problem {
    let line = 1 + bytes[..at].iter().filter(|b| **b == b'\n').count();
    Problem::error(
        ProblemCode::UnreadableEncoding,
        format!(
            "the file {context} but is not valid UTF-8; save it again from Excel as \"CSV UTF-8\""
        ),
    )
    .at_line(u32::try_from(line).unwrap_or(u32::MAX))
}

pub fn not_a_roster() -> Problem {
    Problem::error(
        ProblemCode::NotARoster,
        "this is not a CSV or XLSX file; export the roster from the sign-up system as CSV or Excel (.xlsx)",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_the_utf8_byte_order_mark() {
        let (text, enc) = decode_text(b"\xEF\xBB\xBFid\n").unwrap();
        assert_eq!(text, "id\n");
        assert_eq!(enc, TextEncoding::Utf8);
    }

    #[test]
    fn reads_windows_1252_as_excel_writes_it() {
        // "Zoë" and "Seán" with 0xEB and 0xE1, and a curly apostrophe (0x92).
        let (text, enc) = decode_text(b"Zo\xEB,Se\xE1n,O\x92Brien\n").unwrap();
        assert_eq!(text, "Zoë,Seán,O\u{2019}Brien\n");
        assert_eq!(enc, TextEncoding::Windows1252);
    }

    #[test]
    fn reads_utf16_with_a_byte_order_mark() {
        let bytes: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain("id,Zoë\n".encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        assert_eq!(decode_text(&bytes).unwrap().0, "id,Zoë\n");
    }

    #[test]
    fn refuses_binary_files() {
        assert_eq!(
            decode_text(b"\x89PNG\r\n\x1a\n\0\0").unwrap_err().code,
            ProblemCode::NotARoster
        );
        assert_eq!(
            decode_text(b"id\n\x01\x02").unwrap_err().code,
            ProblemCode::NotARoster
        );
    }

    #[test]
    fn refuses_a_bom_file_that_is_not_utf8_and_names_the_line() {
        let problem = decode_text(b"\xEF\xBB\xBFid\nZo\xEB\n").unwrap_err();
        assert_eq!(problem.code, ProblemCode::UnreadableEncoding);
        assert_eq!(problem.line, Some(2));
    }
}
