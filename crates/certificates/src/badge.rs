//! The certificate as a baked badge for digital wallets: a PNG image carrying its signed
//! credential in an `iTXt` chunk with the keyword `openbadgecredential`, uncompressed, as
//! Open Badges 3.0 bakes a credential into a PNG ("Baking", Open Badges 3.0 §5.3).
//!
//! The picture is the same for every certificate (a gold ring on Mixwell's accent blue,
//! drawn here): what a wallet reads is the credential. The same credential always gives the
//! same bytes.

use serde_json::Value;

/// The keyword Open Badges 3.0 reads a baked credential from.
pub const KEYWORD: &str = "openbadgecredential";
const SIZE: u32 = 256;
const ACCENT: [u8; 3] = [0x1f, 0x5f, 0x8b];
const GOLD: [u8; 3] = [0xd4, 0xa0, 0x17];

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BadgeError {
    #[error("the badge could not be written: {0}")]
    Write(String),
    #[error("the file is not a PNG that can be read ({0})")]
    NotPng(String),
    #[error("the PNG carries no baked credential")]
    NoCredential,
    #[error("the baked credential is not JSON ({0})")]
    NotJson(String),
}

/// The badge image with `credential` baked in.
pub fn bake(credential: &Value) -> Result<Vec<u8>, BadgeError> {
    let write = |e: png::EncodingError| BadgeError::Write(e.to_string());
    let mut bytes = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut bytes, SIZE, SIZE);
        encoder.set_color(png::ColorType::Rgba);
        encoder.set_depth(png::BitDepth::Eight);
        encoder
            .add_itxt_chunk(KEYWORD.to_owned(), credential.to_string())
            .map_err(write)?;
        let mut writer = encoder.write_header().map_err(write)?;
        writer.write_image_data(&picture()).map_err(write)?;
        writer.finish().map_err(write)?;
    }
    Ok(bytes)
}

/// A gold ring on an accent disc, transparent outside.
fn picture() -> Vec<u8> {
    let centre = (SIZE as f32 - 1.0) / 2.0;
    let mut pixels = Vec::with_capacity((SIZE * SIZE * 4) as usize);
    for y in 0..SIZE {
        for x in 0..SIZE {
            let r = ((x as f32 - centre).powi(2) + (y as f32 - centre).powi(2)).sqrt();
            let outer = SIZE as f32 / 2.0 - 2.0;
            let (colour, alpha) = if r > outer {
                (ACCENT, 0)
            } else if r > outer - 14.0 || (r > outer * 0.62 && r < outer * 0.62 + 6.0) {
                (GOLD, 255)
            } else {
                (ACCENT, 255)
            };
            pixels.extend_from_slice(&colour);
            pixels.push(alpha);
        }
    }
    pixels
}

/// The credential baked into a badge's PNG.
pub fn unbake(png_bytes: &[u8]) -> Result<Value, BadgeError> {
    let reader = png::Decoder::new(std::io::Cursor::new(png_bytes))
        .read_info()
        .map_err(|e| BadgeError::NotPng(e.to_string()))?;
    let chunk = reader
        .info()
        .utf8_text
        .iter()
        .find(|c| c.keyword == KEYWORD)
        .ok_or(BadgeError::NoCredential)?;
    let text = chunk
        .get_text()
        .map_err(|e| BadgeError::NotPng(e.to_string()))?;
    serde_json::from_str(&text).map_err(|e| BadgeError::NotJson(e.to_string()))
}
